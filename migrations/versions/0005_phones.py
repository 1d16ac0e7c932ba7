"""photos taken on phones (/m 办结, the demo), stored in the database

Revision ID: 0005_phones
Revises: 0005_channels
Create Date: 2026-12-02 09:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005_phones'
down_revision = "0005_channels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('photo',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photo_ticket_id'), ['ticket_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photo_ticket_id'))
    op.drop_table('photo')
