"""sessions kept in the store, and login failures and locks

Revision ID: 0007_sessions
Revises: 0007_callback_nonces
Create Date: 2026-12-09 04:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007_sessions'
down_revision = '0007_callback_nonces'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'websession',
        sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('member_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('password_fp', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('address', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('digest'),
    )
    with op.batch_alter_table('websession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_websession_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_websession_expires_at'), ['expires_at'], unique=False)
    op.create_table(
        'loginfailure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('address', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('loginfailure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loginfailure_account'), ['account'], unique=False)
        batch_op.create_index(batch_op.f('ix_loginfailure_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_loginfailure_at'), ['at'], unique=False)
    op.create_table(
        'loginlock',
        sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('until', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('scope', 'key'),
    )


def downgrade() -> None:
    op.drop_table('loginlock')
    with op.batch_alter_table('loginfailure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loginfailure_at'))
        batch_op.drop_index(batch_op.f('ix_loginfailure_address'))
        batch_op.drop_index(batch_op.f('ix_loginfailure_account'))
    op.drop_table('loginfailure')
    with op.batch_alter_table('websession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_websession_expires_at'))
        batch_op.drop_index(batch_op.f('ix_websession_member_id'))
    op.drop_table('websession')
