"""media: a row per kept photo or voice message (the bytes are in the media store, media/)

Photos stored before this stay where they are (tables `photo` and `reportphoto`, served at their old
addresses); each gets a row here too, so the retention sweep treats old and new alike. Their bytes are
not copied: the media store's place (a folder, an S3 bucket and its keys) is in config.yaml, which a
migration does not read, and copying every photo inside the schema change would hold the startup lock.

Revision ID: 0008_media
Revises: 0007_privacy
Create Date: 2026-12-10 09:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0008_media'
down_revision = '0007_privacy'
branch_labels = None
depends_on = None

COLUMNS = 'key, url, kind, content_type, size, source, sender, ticket_id, created_at'


def upgrade() -> None:
    op.create_table(
        'mediafile',
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('sender', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('expired_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('key'),
    )
    with op.batch_alter_table('mediafile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediafile_url'), ['url'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediafile_ticket_id'), ['ticket_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediafile_created_at'), ['created_at'], unique=False)
    op.execute(f"INSERT INTO mediafile ({COLUMNS}) SELECT id, '/m/photos/' || id, 'photo', content_type, size, "
               "'legacy_m', uploaded_by, ticket_id, created_at FROM photo")
    # a 随手拍 photo's ticket is its report's; 微信客服 images were kept here with report_id 0 (ticket unknown)
    op.execute(f"INSERT INTO mediafile ({COLUMNS}) SELECT p.key, '/r/photo/' || p.key, 'photo', p.content_type, "
               "p.size, 'legacy_r', '', r.ticket_id, p.created_at FROM reportphoto p "
               "LEFT JOIN webreport r ON r.id = p.report_id")


def downgrade() -> None:
    with op.batch_alter_table('mediafile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediafile_created_at'))
        batch_op.drop_index(batch_op.f('ix_mediafile_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_mediafile_url'))
    op.drop_table('mediafile')
