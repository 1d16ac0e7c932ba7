"""outbox: when a send started, and whether a message may have gone out twice; reporters by inbox row

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 19:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('send_started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ambiguous', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index('ix_ticketreporter_inbox_id', 'ticketreporter', ['inbox_id'])


def downgrade() -> None:
    op.drop_index('ix_ticketreporter_inbox_id', table_name='ticketreporter')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('ambiguous')
        batch_op.drop_column('send_started_at')
