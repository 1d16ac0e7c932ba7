"""Official Account quota: each resident's customer-service window (the message that opened it, messages sent
in it), and how an outbox row was delivered when not the usual way (template message, subscription notice, stream)

Revision ID: 0007_oa_quota
Revises: 0006_escalation_notices
Create Date: 2026-12-03 10:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007_oa_quota'
down_revision = '0006_escalation_notices'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cs_window_msg', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cs_sent', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivered_as', sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('delivered_as')
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_column('cs_sent')
        batch_op.drop_column('cs_window_msg')
