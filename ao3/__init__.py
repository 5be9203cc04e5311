"""Archive of Our Own: recognising work links, fetching politely, reading the metadata readers decide by."""
