"""callback nonces: each accepted WeChat callback query with its body's digest, so a replay with another body is refused

Revision ID: 0007_callback_nonces
Revises: 0007_oa_quota
Create Date: 2026-12-02 06:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007_callback_nonces'
down_revision = '0007_oa_quota'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'callbacknonce',
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('body_sha256', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    with op.batch_alter_table('callbacknonce', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_callbacknonce_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('callbacknonce', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_callbacknonce_expires_at'))
    op.drop_table('callbacknonce')
