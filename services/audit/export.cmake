# The export format (JSON Lines + manifest): library reporting_audit_export.
