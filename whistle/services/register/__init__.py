"""The register of meldingen, the annual report and the exports (issue 14): `facts` reads the
register (live cases plus the anonymous counts of deleted ones), `annual` builds and delivers
the report, `exports` writes CSV and PDF, `access` decides who may see what."""
