"""outbox: one index for a recipient's recent sends (the sender's rate limit), replacing the recipient-only one

Revision ID: 0005_outbox_sent_by_recipient
Revises: 0004
Create Date: 2026-12-02 10:00:00
"""
from alembic import op

revision = '0005_outbox_sent_by_recipient'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_outbox_recipient_sent', 'outbox', ['recipient', 'channel', 'status', 'sent_at'])
    op.drop_index('ix_outbox_recipient', table_name='outbox')


def downgrade() -> None:
    op.create_index('ix_outbox_recipient', 'outbox', ['recipient'])
    op.drop_index('ix_outbox_recipient_sent', table_name='outbox')
