"""Wire copy in and out: plain-text wire files, this project's JSON Lines export and
its restore, files and folders to import."""
