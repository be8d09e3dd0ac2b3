"""The page cache: its shared state, the pages, and their invalidation."""
