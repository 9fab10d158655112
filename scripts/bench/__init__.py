"""`make bench`: synthetic cases loaded with COPY into a throwaway PostgreSQL, pages timed (docs/performance.md)."""
