"""The media store: photos and voice kept in a folder or an S3-compatible object store, with a row each.

Callers keep media through `media.keep.keep_media`; run.py builds the store (`media.build.build_media`).
"""
