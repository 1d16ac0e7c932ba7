"""escalation notices: who is to be told about each climbed rung, held for quiet hours and batching

Revision ID: 0006_escalation_notices
Revises: 0005_triage_desk
Create Date: 2026-12-02 04:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0006_escalation_notices'
down_revision = '0005_triage_desk'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'escalationnotice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('level', sa.Integer(), nullable=False),
        sa.Column('cycle', sa.Integer(), nullable=False),
        sa.Column('audience', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('emergency', sa.Boolean(), nullable=False),
        sa.Column('window_s', sa.Integer(), nullable=False),
        sa.Column('release_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('outbox_key', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('ticket_id', 'kind', 'level', 'cycle', 'recipient'),
    )
    with op.batch_alter_table('escalationnotice', schema=None) as batch_op:
        batch_op.create_index('ix_notice_recipient', ['recipient', 'status', 'sent_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_escalationnotice_ticket_id'), ['ticket_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('escalationnotice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalationnotice_ticket_id'))
        batch_op.drop_index('ix_notice_recipient')
    op.drop_table('escalationnotice')
