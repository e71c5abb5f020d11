"""Sources -> canonical records: files, folders, SQL and transcripts."""
