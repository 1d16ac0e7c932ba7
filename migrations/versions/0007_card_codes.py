"""outbox: button cards' task_id per send, the response_code WeCom returned, and what replaced the buttons

Revision ID: 0007_card_codes
Revises: 0007_sessions
Create Date: 2026-12-03 09:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007_card_codes'
down_revision = '0007_sessions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('task_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('response_code', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('code_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('card_state', sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('card_state')
        batch_op.drop_column('code_at')
        batch_op.drop_column('response_code')
        batch_op.drop_column('task_id')
