"""Graph analytics on a projection: components, communities, centrality, paths, ego networks, motifs."""
