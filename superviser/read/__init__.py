"""The read side: paged, filtered queries that the CLI, the app and the exports share."""
