SELECT "Host", "a""b", "with space", Cpu."Value", t."order" FROM "Cpu" AS t ORDER BY "Host" DESC NULLS LAST
