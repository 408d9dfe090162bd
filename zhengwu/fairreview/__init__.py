"""Fair competition review (公平竞争审查) of tender documents: an extendable rule list, findings with the clause, and the block on publishing while a finding is open."""
