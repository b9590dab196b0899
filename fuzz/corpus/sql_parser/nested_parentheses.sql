SELECT ((((((((((1 + 2) * 3) - 4) / 5) % 6) || 'x') = 'y') IS NULL) AND TRUE) OR FALSE)
