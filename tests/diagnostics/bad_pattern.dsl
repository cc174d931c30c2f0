text code matching "^[0-9{5}$"
