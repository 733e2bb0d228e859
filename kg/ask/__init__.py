"""Ask in words: a plain-language question mapped to a canned query, its slots filled with
entities of the graph, the query checked against the VoID schema, then run read-only.

kg.ask.examples reads the canned queries and their `# slot:` headers, kg.ask.lexicon finds the
graph's entities named in a question, kg.ask.retrieve ranks the examples, kg.ask.schema checks
a query against the VoID statistics and kg.ask.mapper puts them together.
"""
