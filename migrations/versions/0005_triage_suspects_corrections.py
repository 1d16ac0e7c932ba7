"""triage desk: 疑似报事 (suspect reports) and supervisors' triage corrections

Revision ID: 0005_triage_desk
Revises: 0005_phones
Create Date: 2026-12-02 03:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_triage_desk'
down_revision = '0005_phones'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'suspectreport',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('inbox_id', sa.Integer(), nullable=True),
        sa.Column('resident_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(), nullable=False),
        sa.Column('chat_id', sa.String(), nullable=True),
        sa.Column('text', sa.String(), nullable=False),
        sa.Column('triage', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(), nullable=False),
        sa.Column('decided_by', sa.String(), nullable=True),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['resident_id'], ['resident.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('inbox_id'),
    )
    op.create_index('ix_suspectreport_status', 'suspectreport', ['status'])
    op.create_index('ix_suspectreport_created_at', 'suspectreport', ['created_at'])
    op.create_table(
        'triagecorrection',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(), nullable=False),
        sa.Column('is_report', sa.Boolean(), nullable=False),
        sa.Column('kind', sa.String(), nullable=True),
        sa.Column('category', sa.String(), nullable=True),
        sa.Column('urgency', sa.String(), nullable=True),
        sa.Column('location', sa.String(), nullable=True),
        sa.Column('machine', sa.JSON(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('suspect_id', sa.Integer(), nullable=True),
        sa.Column('member_id', sa.String(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_triagecorrection_ticket_id', 'triagecorrection', ['ticket_id'])
    op.create_index('ix_triagecorrection_created_at', 'triagecorrection', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_triagecorrection_created_at', table_name='triagecorrection')
    op.drop_index('ix_triagecorrection_ticket_id', table_name='triagecorrection')
    op.drop_table('triagecorrection')
    op.drop_index('ix_suspectreport_created_at', table_name='suspectreport')
    op.drop_index('ix_suspectreport_status', table_name='suspectreport')
    op.drop_table('suspectreport')
