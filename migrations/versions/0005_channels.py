"""channels: 随手拍 reports and photos, the 微信客服 pull cursor and customers

Revision ID: 0005_channels
Revises: 0005_outbox_sent_by_recipient
Create Date: 2026-12-02 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_channels'
down_revision = '0005_outbox_sent_by_recipient'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'webreport',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(), nullable=False),
        sa.Column('device', sa.String(), nullable=False),
        sa.Column('address', sa.String(), nullable=False),
        sa.Column('text', sa.String(), nullable=False),
        sa.Column('place', sa.String(), nullable=False),
        sa.Column('grid_id', sa.String(), nullable=True),
        sa.Column('preset_grid', sa.String(), nullable=True),
        sa.Column('lat', sa.Float(), nullable=True),
        sa.Column('lng', sa.Float(), nullable=True),
        sa.Column('phone', sa.String(), nullable=False),
        sa.Column('photos', sa.JSON(), nullable=False),
        sa.Column('inbox_id', sa.Integer(), nullable=True),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )
    for column in ('device', 'address', 'inbox_id', 'ticket_id', 'created_at'):
        op.create_index(f'ix_webreport_{column}', 'webreport', [column])
    op.create_table(
        'reportphoto',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('content_type', sa.String(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )
    op.create_index('ix_reportphoto_report_id', 'reportphoto', ['report_id'])
    op.create_table(
        'kfcursor',
        sa.Column('open_kfid', sa.String(), nullable=False),
        sa.Column('cursor', sa.String(), nullable=False),
        sa.Column('token', sa.String(), nullable=False),
        sa.Column('token_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('wants', sa.Integer(), nullable=False),
        sa.Column('served', sa.Integer(), nullable=False),
        sa.Column('synced_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('holder', sa.String(), nullable=False),
        sa.PrimaryKeyConstraint('open_kfid'),
    )
    op.create_table(
        'kfcustomer',
        sa.Column('external_userid', sa.String(), nullable=False),
        sa.Column('open_kfid', sa.String(), nullable=False),
        sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('external_userid'),
    )


def downgrade() -> None:
    op.drop_table('kfcustomer')
    op.drop_table('kfcursor')
    op.drop_index('ix_reportphoto_report_id', table_name='reportphoto')
    op.drop_table('reportphoto')
    for column in ('device', 'address', 'inbox_id', 'ticket_id', 'created_at'):
        op.drop_index(f'ix_webreport_{column}', table_name='webreport')
    op.drop_table('webreport')
