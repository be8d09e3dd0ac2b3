"""What every request passes through, below the public pages and the admin."""
