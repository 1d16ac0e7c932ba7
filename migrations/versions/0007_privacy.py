"""privacy: full phone and ID numbers sealed beside the masked text

Adds a `*_sealed` column beside each text a resident writes numbers into (inbox content and reply,
ticket text, resident phone, 随手拍 text and phone, 疑似报事 text). Sealing needs the key, and the key
never enters the store, so the rows already there are sealed by the service itself: this migration
leaves the note `privacy.unsealed` (on a store with rows), and the next `python run.py serve` (or `python run.py seal`) masks
and seals every clear-text row under the key in `privacy.key_file` / GRIDWHISTLE_PRIVACY_KEY, in
batches, and removes the note. Until then nothing is lost: the clear text stays where it was.

Revision ID: 0007_privacy
Revises: 0007_card_codes
Create Date: 2026-12-09 09:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007_privacy'
down_revision = '0007_card_codes'
branch_labels = None
depends_on = None

SEALED = [('inboxmessage', 'content_sealed'), ('inboxmessage', 'reply_sealed'), ('ticket', 'text_sealed'),
          ('resident', 'phone_sealed'), ('webreport', 'text_sealed'), ('webreport', 'phone_sealed'),
          ('suspectreport', 'text_sealed')]
NOTE = 'privacy.unsealed'
# Tables whose text people write numbers into (members' phones are rewritten from config.yaml at every start).
WRITTEN = ['inboxmessage', 'conversation', 'ticket', 'feedback', 'auditlog', 'resident', 'webreport', 'suspectreport',
           'triagecorrection', 'outbox', 'visit', 'deadline', 'assignment', 'loginfailure', 'loginlock']


def upgrade() -> None:
    for table, column in SEALED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(column, sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    connection = op.get_bind()
    present = set(sa.inspect(connection).get_table_names())
    if any(connection.execute(sa.text(f'SELECT 1 FROM {table} LIMIT 1')).first() for table in WRITTEN if table in present):
        shared = sa.table('sharedvalue', sa.column('key', sa.String()), sa.column('value', sa.String()))
        op.bulk_insert(shared, [{'key': NOTE, 'value': 'rows written before 0007_privacy are sealed at the next start'}])


def downgrade() -> None:
    # The sealed originals go with their columns: the masked text is all that stays.
    op.execute(sa.text("DELETE FROM sharedvalue WHERE key = :key").bindparams(key=NOTE))
    for table, column in reversed(SEALED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
