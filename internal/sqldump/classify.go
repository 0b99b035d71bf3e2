package sqldump

// maxClassifyTokens bounds how many tokens classification looks at.
const maxClassifyTokens = 64

// cursor walks a token list.
type cursor struct {
	b    []byte
	toks []token
	k    int
}

// peek returns the next token without consuming it; tokEOF at the end.
func (c *cursor) peek() token {
	if c.k < len(c.toks) {
		return c.toks[c.k]
	}
	return token{kind: tokEOF}
}

// kw consumes the next token if it is one of the keywords.
func (c *cursor) kw(words ...string) bool {
	t := c.peek()
	for _, w := range words {
		if t.is(c.b, w) {
			c.k++
			return true
		}
	}
	return false
}

// punct consumes the next token if it is the byte p.
func (c *cursor) punct(p byte) bool {
	if c.peek().isPunct(c.b, p) {
		c.k++
		return true
	}
	return false
}

// name consumes a possibly qualified name and returns its parts.
func (c *cursor) name() (db, name token, ok bool) {
	t := c.peek()
	if !isName(t) {
		return token{}, token{}, false
	}
	c.k++
	if c.peek().isPunct(c.b, '.') && c.k+1 < len(c.toks) && isName(c.toks[c.k+1]) {
		c.k += 2
		return t, c.toks[c.k-1], true
	}
	return token{}, t, true
}

// ifExists consumes IF [NOT] EXISTS.
func (c *cursor) ifExists() {
	if c.peek().is(c.b, "IF") {
		save := c.k
		c.k++
		c.kw("NOT")
		if !c.kw("EXISTS") {
			c.k = save
		}
	}
}

// userName consumes user[@host] after DEFINER=.
func (c *cursor) userName() {
	if c.kw("CURRENT_USER") {
		if c.punct('(') {
			c.punct(')')
		}
		return
	}
	if t := c.peek(); isName(t) || t.kind == tokString {
		c.k++
	}
	if c.punct('@') {
		if t := c.peek(); isName(t) || t.kind == tokString {
			c.k++
		}
	}
}

// classify sets Kind, Table and Database of a statement read whole.
func (s *Scanner) classify(st *Statement) {
	text := st.Text
	lx := lexer{b: text, eof: true, delim: s.delim}
	toks := s.toks[:0]
	for i := 0; len(toks) < maxClassifyTokens; {
		t, j := lx.next(i)
		if t.kind != tokWord && t.kind != tokIdent && t.kind != tokString && t.kind != tokPunct {
			break
		}
		toks = append(toks, t)
		i = j
	}
	s.toks = toks
	c := &cursor{b: text, toks: toks}
	st.Kind = KindOther
	table := func(db, name token) {
		st.Table = s.intern(&s.table, text, name)
		if db.kind != 0 {
			st.Database = s.intern(&s.db, text, db)
		}
	}
	database := func() {
		if _, name, ok := c.name(); ok {
			st.Database = s.intern(&s.db, text, name)
		}
	}
	switch {
	case c.kw("CREATE"):
		for {
			switch {
			case c.kw("OR"):
				c.kw("REPLACE")
				continue
			case c.kw("TEMPORARY", "AGGREGATE"):
				continue
			case c.kw("ALGORITHM"):
				c.punct('=')
				c.k++
				continue
			case c.kw("DEFINER"):
				c.punct('=')
				c.userName()
				continue
			case c.kw("SQL"):
				c.kw("SECURITY")
				c.k++
				continue
			}
			break
		}
		switch {
		case c.kw("TABLE"):
			st.Kind = KindCreateTable
			c.ifExists()
			if db, name, ok := c.name(); ok {
				table(db, name)
			}
		case c.kw("DATABASE", "SCHEMA"):
			st.Kind = KindCreateDatabase
			c.ifExists()
			database()
		case c.kw("VIEW"):
			st.Kind = KindCreateView
			c.ifExists()
			if db, name, ok := c.name(); ok {
				table(db, name)
			}
		case c.kw("TRIGGER"):
			st.Kind = KindTrigger
			c.ifExists()
			c.name()
			for c.k < len(c.toks) && !c.kw("ON") {
				c.k++
			}
			if db, name, ok := c.name(); ok {
				table(db, name)
			}
		case c.kw("PROCEDURE", "FUNCTION", "PACKAGE"):
			st.Kind = KindRoutine
		case c.kw("EVENT"):
			st.Kind = KindEvent
		}
	case c.kw("DROP"):
		c.kw("TEMPORARY")
		switch {
		case c.kw("TABLE", "TABLES"):
			st.Kind = KindDropTable
			c.ifExists()
			if db, name, ok := c.name(); ok {
				table(db, name)
			}
		case c.kw("DATABASE", "SCHEMA"):
			st.Kind = KindDropDatabase
			c.ifExists()
			database()
		case c.kw("VIEW"):
			st.Kind = KindDropView
			c.ifExists()
			if db, name, ok := c.name(); ok {
				table(db, name)
			}
		case c.kw("TRIGGER"):
			st.Kind = KindTrigger
		case c.kw("PROCEDURE", "FUNCTION", "PACKAGE"):
			st.Kind = KindRoutine
		case c.kw("EVENT"):
			st.Kind = KindEvent
		}
	case c.kw("ALTER"):
		c.kw("IGNORE", "ONLINE")
		switch {
		case c.kw("TABLE"):
			st.Kind = KindAlterTable
			c.ifExists()
			if db, name, ok := c.name(); ok {
				table(db, name)
			}
		case c.kw("DATABASE", "SCHEMA"):
			if t := c.peek(); t.kind == tokIdent || t.kind == tokWord &&
				!t.is(text, "CHARACTER") && !t.is(text, "CHARSET") && !t.is(text, "DEFAULT") &&
				!t.is(text, "COLLATE") && !t.is(text, "COMMENT") && !t.is(text, "UPGRADE") && !t.is(text, "READ") {
				database()
			}
		}
	case c.kw("LOCK"):
		if c.kw("TABLES", "TABLE") {
			st.Kind = KindLockTables
			if db, name, ok := c.name(); ok {
				table(db, name)
			}
		}
	case c.kw("UNLOCK"):
		if c.kw("TABLES", "TABLE") {
			st.Kind = KindUnlockTables
		}
	case c.kw("USE"):
		st.Kind = KindUse
		database()
	case c.kw("SET"):
		st.Kind = KindSet
	case c.kw("TRUNCATE"):
		c.kw("TABLE")
		if db, name, ok := c.name(); ok {
			table(db, name)
		}
	case c.kw("START"):
		if c.kw("TRANSACTION") {
			st.Kind = KindTransaction
		}
	case c.kw("BEGIN"):
		if t := c.peek(); t.kind == tokEOF || t.is(text, "WORK") {
			st.Kind = KindTransaction
		}
	case c.kw("COMMIT", "ROLLBACK"):
		st.Kind = KindTransaction
	}
}
