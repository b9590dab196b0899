SELECT 'unterminated FROM "cpu
