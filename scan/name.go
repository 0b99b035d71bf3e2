package scan

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ByName says what kind of personal data a column, or a key of a
// key/value table (wp_usermeta's meta_key), holds by its name alone, and
// whether it holds any: "billing_email" and "customerPhone" hold e-mail
// addresses and phone numbers whatever their values look like.
//
// The name is split into words at '_', '-', '.', ':', '/', spaces, digits
// and camelCase ("comment_author_IP" is comment, author, ip;
// "address1" is address), and words are matched whole, never as parts
// ("zip", "tip" and "description" hold no "ip"). The rule:
//
//   - A flag or a reference is not personal: a name whose first word is
//     is, has, can, should, allow, enable, use, show, send, need, require,
//     must, was or did (is_email_verified, send_email); one whose first
//     word is "id" (id_customer) or whose last word is "id" or "ids"
//     (email_template_id, tax_class_id, tax_id), except session_id (a
//     credential) and vat_id, national_id, passport_id (identifiers).
//   - The kind is that of the last word that names one, reading from the
//     end: "reset_password_token" is a credential, "email_address" an
//     e-mail address, "ip_address" an IP address. Words that need the word
//     before them: "address" after "email" or "ip", "number" after
//     "phone", "card", "vat", "house"; "code" after "zip" or "post";
//     "name" after first, last, full, middle, given, family, display,
//     nick, user, billing, customer, contact, holder, ... (a person's
//     role); "key" after api, private, secret, secure, access,
//     activation, auth, consumer, ... Plain "name" is a name only in a
//     table about people (PeopleTable: users_field_data.name, not
//     product.name); plain "key", "sid" and "ssid" a credential only in a
//     table of sessions, tokens, OAuth or API accounts (Drupal's
//     sessions.sid, not search_index.sid); "hash" a credential unless it
//     hashes a file, image or media asset; Drupal's plain "init" an e-mail
//     address in a table about people.
//   - Words that say the column holds something about the data and not
//     the data make it not personal: template, format, type, count,
//     required, enabled, verified, length, size, expire(s|d), expiry,
//     expiration, validity, date, at, time, timestamp, created, updated,
//     sent, status, mode, method, policy, label, pattern, min, max, limit,
//     attempts, version, theme, field, config, range, ...
//     (token_expires_at, password_reset_required, mail_template,
//     address_format, mobile_theme, zipcode_from); for birth dates not
//     date, at and time (date_of_birth). A phone word with code, prefix or
//     country is a country's calling code (phone_code, calling_code).
//   - The shop's own data is not personal: e-mail, phone, postal and IP
//     addresses and names whose column or table name has shop, store,
//     warehouse, supplier, manufacturer, carrier, merchant, server, smtp,
//     inventory, tax or dest(ination) (shop_address, ps_store.phone,
//     tax_postcode, dest_zip, ps_memcached_servers.ip).
//
// City, region and country are not personal on their own and are not
// classified; nor are user agents, URLs, company names and user ids.
// table may be "" for a key of a key/value table whose table does not
// matter.
func ByName(table, name string) (Kind, bool) {
	var wb, tb [16]string
	words := splitName(wb[:0], name)
	if len(words) == 0 {
		return "", false
	}
	lname := strings.ToLower(name)
	if k, ok := exactNames[lname]; ok {
		return k, k != ""
	}
	if flagWords[words[0]] || words[0] == "id" {
		return "", false
	}
	tw := splitName(tb[:0], table)
	kind, at := Kind(""), -1
	for i := len(words) - 1; i >= 0 && kind == ""; i-- {
		w, prev := words[i], ""
		if i > 0 {
			prev = words[i-1]
		}
		switch w {
		case "id", "ids":
			if i == len(words)-1 {
				switch prev {
				case "session", "sess":
					return Credential, true
				case "vat", "national", "passport", "taxvat":
					return NationalID, true
				}
				return "", false // a reference
			}
		case "address", "addr":
			// The kind of address is the word's before it, or one's
			// further back: email_from_address.
			kind, at = Address, i
			for j := i - 1; j >= 0; j-- {
				switch words[j] {
				case "email", "mail", "e":
					kind, at = Email, j
				case "ip", "remote", "client":
					kind, at = IP, j
				case "mac", "ether", "wallet", "web", "url", "server", "host", "bitcoin", "crypto":
					return "", false
				default:
					continue
				}
				break
			}
		case "number", "no", "nr", "num":
			switch {
			case phoneWords[prev]:
				kind, at = Phone, i-1
			case prev == "card" || prev == "cc" || prev == "credit":
				kind, at = Card, i-1
			case prev == "vat" || prev == "tax" || prev == "national" || prev == "passport" || prev == "identification" || prev == "identity" || prev == "id" || prev == "insurance" || prev == "security":
				kind, at = NationalID, i-1
			case prev == "house" || prev == "street" || prev == "building":
				kind, at = Address, i-1
			}
		case "code":
			switch prev {
			case "zip", "post", "postal":
				kind, at = Address, i-1
			case "sort":
				kind, at = NationalID, i-1
			}
		case "name":
			switch {
			case nameModifiers[prev]:
				kind, at = Name, i-1
			case i == 0 && len(words) == 1 && (PeopleTable(table) || lastTableWord(tw) == "comment" || lastTableWord(tw) == "comments"):
				kind, at = Name, i
			}
		case "owner":
			if prev == "cc" || prev == "card" || prev == "account" {
				kind, at = Name, i // cc_owner: a card holder
			}
		case "sid", "ssid", "init":
			// Drupal: sessions.sid and ssid are session ids,
			// users_field_data.init the first e-mail address (search_index.sid
			// is not a session id).
			switch {
			case len(words) > 1:
			case w == "init" && PeopleTable(table):
				kind, at = Email, i
			case w != "init" && credentialTable(tw):
				kind, at = Credential, i
			}
		case "key", "keys":
			switch {
			case keyModifiers[prev]:
				kind, at = Credential, i-1
			case len(words) == 1 && credentialTable(tw):
				kind, at = Credential, i
			}
		case "hash":
			if !anyIn(words, assetWords) && !anyIn(tw, assetWords) {
				kind, at = Credential, i
			}
		case "mobile", "cell":
			// "mobile" alone or last: mobile_theme is not a phone.
			if i == len(words)-1 || words[i+1] == "phone" {
				kind, at = Phone, i
			}
		default:
			if k, ok := kindWords[w]; ok {
				kind, at = k, i
			} else if k, ok := compoundKind(w); ok {
				kind, at = k, i
			}
		}
	}
	if kind == "" {
		return "", false
	}
	for j, w := range words {
		if j == at {
			continue
		}
		if aboutWords[w] && !(kind == Birthdate && (w == "date" || w == "at" || w == "time")) {
			return "", false
		}
		if kind == Phone && (w == "code" || w == "prefix" || w == "country" || w == "calling") {
			return "", false // a country's calling code
		}
		if kind == Birthdate && (w == "place" || w == "city" || w == "country" || w == "town" || w == "region" || w == "name") {
			return "", false // place_of_birth, birth_name
		}
		if kind == IP && (w == "country" || w == "city" || w == "region" || w == "location" || w == "geo") {
			return "", false // where an address is, not the address
		}
		if kind == Address && j == len(words)-1 && (w == "from" || w == "to") {
			return "", false // a range: zipcode_from
		}
		if kind == Email && emailAboutWords[w] {
			return "", false
		}
		if kind == Credential && credentialAboutWords[w] {
			return "", false
		}
		if kind != Credential && kind != NationalID && ownerWords[w] {
			return "", false
		}
	}
	if kind != Credential && kind != NationalID && anyIn(tw, ownerWords) {
		return "", false
	}
	return kind, true
}

// PeopleTable reports whether a table's rows are people or belong to one
// person each, by its name's last word (after a CMS prefix, and without a
// trailing entity, field_data, profile, info or details): users,
// customers, members, contacts, employees, authors, subscribers, accounts,
// persons, people, addresses, identities, clients, guests, visitors,
// patients, students, staff, admins and their singulars. wp_users,
// ps_customer, customer_entity, customer_address_entity,
// users_field_data and admin_user are; customer_group, users_data and
// user_role are not.
func PeopleTable(table string) bool {
	var tb [16]string
	return peopleNouns[lastTableWord(splitName(tb[:0], table))]
}

// lastTableWord returns the last word of a table's name, without the
// words that only say how the table stores its rows.
func lastTableWord(tw []string) string {
	for len(tw) > 1 {
		switch last := tw[len(tw)-1]; {
		case last == "entity" || last == "entities" || last == "profile" || last == "profiles" || last == "info" || last == "details" || last == "flat" || last == "grid":
			tw = tw[:len(tw)-1]
		case last == "data" && tw[len(tw)-2] == "field":
			tw = tw[:len(tw)-2]
		default:
			return last
		}
	}
	if len(tw) == 1 {
		return tw[0]
	}
	return ""
}

// credentialTable reports whether a table's name says it holds
// credentials: its plain "key" column is one (oauth_consumer.key,
// persistent_session.key, ps_webservice_account.key, not
// ps_translation.key).
func credentialTable(tw []string) bool {
	for _, w := range tw {
		switch w {
		case "oauth", "session", "sessions", "token", "tokens", "webservice", "api", "consumer", "consumers",
			"credential", "credentials", "secret", "secrets", "password", "passwords", "auth", "apikey", "apikeys":
			return true
		}
	}
	return false
}

func anyIn(words []string, set map[string]bool) bool {
	for _, w := range words {
		if set[w] {
			return true
		}
	}
	return false
}

// splitName appends the lower-case words of name to dst: split at
// anything not a letter, and at camelCase ("customerPhone",
// "IPAddress" is ip, address).
func splitName(dst []string, name string) []string {
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			dst = append(dst, strings.ToLower(name[start:end]))
		}
		start = -1
	}
	var prev rune
	for i, r := range name {
		if !unicode.IsLetter(r) {
			flush(i)
			prev = r
			continue
		}
		if start >= 0 && unicode.IsUpper(r) {
			next, _ := utf8.DecodeRuneInString(name[i+utf8.RuneLen(r):])
			// fooBar, or the last capital of an acronym before a word:
			// IPAddress.
			if unicode.IsLower(prev) || unicode.IsUpper(prev) && unicode.IsLower(next) {
				flush(i)
			}
		}
		if start < 0 {
			start = i
		}
		prev = r
	}
	flush(len(name))
	return dst
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

var (
	// exactNames are whole names, lower case, with their kind ("" for
	// none).
	exactNames = map[string]Kind{
		"comment_author":  Name, // WordPress: the commenter's name
		"sender":          Name, // gift_message.sender; sender_email is the shop's
		"user_login":      Name, // WordPress: the login name
		"remote_addr":     IP,
		"x_forwarded_for": IP,
		"hostname":        IP, // Drupal's sessions, watchdog, comments: the client's address
	}

	// kindWords are words that name a kind by themselves.
	kindWords = map[string]Kind{
		"password": Credential, "passwd": Credential, "pass": Credential, "pwd": Credential, "pw": Credential,
		"token": Credential, "tokens": Credential, "secret": Credential, "secrets": Credential,
		"session": Credential, "sessions": Credential, "salt": Credential, "apikey": Credential,
		"auth": Credential, "nonce": Credential, "otp": Credential, "totp": Credential, "credential": Credential,
		"credentials": Credential, "verifier": Credential, "passphrase": Credential, "passcode": Credential,
		"privatekey": Credential, "remember": Credential, "cookie": Credential, "authkey": Credential,
		"vorname": Name, "nachname": Name, "prenom": Name, "prénom": Name, "nombre": Name, "apellido": Name, "apellidos": Name,
		"cognome": Name, "geburtsdatum": Birthdate, "geburtstag": Birthdate,

		"email": Email, "mail": Email, "emailaddress": Email, "mailaddress": Email,

		"phone": Phone, "phones": Phone, "telephone": Phone, "tel": Phone, "fax": Phone, "cellphone": Phone,
		"gsm": Phone, "phonenumber": Phone, "msisdn": Phone,

		"ip": IP, "ips": IP, "ipv4": IP, "ipv6": IP, "ipaddress": IP, "ipaddr": IP, "forwarded": IP,

		"firstname": Name, "lastname": Name, "surname": Name, "surnames": Name, "fullname": Name,
		"middlename": Name, "givenname": Name, "familyname": Name, "maidenname": Name,
		"displayname": Name, "nickname": Name, "nicename": Name, "username": Name, "realname": Name,
		"forename": Name, "forenames": Name, "fname": Name, "lname": Name, "holder": Name,
		"cardholder": Name, "recipient": Name,

		"street": Address, "postcode": Address, "zip": Address, "zipcode": Address, "postalcode": Address,
		"plz": Address, "housenumber": Address, "address": Address,

		"birth": Birthdate, "birthday": Birthdate, "birthdate": Birthdate, "dob": Birthdate, "born": Birthdate,

		"iban": NationalID, "ssn": NationalID, "passport": NationalID, "taxvat": NationalID,
		"vatnumber": NationalID, "dni": NationalID, "nif": NationalID, "nie": NationalID, "cpf": NationalID,
		"siret": NationalID, "pesel": NationalID, "bsn": NationalID, "sortcode": NationalID,
		"nationalid": NationalID,

		"cardnumber": Card, "ccnumber": Card, "pan": Card,
	}

	phoneWords = set("phone", "telephone", "tel", "mobile", "cell", "fax", "contact")

	// nameModifiers make "name" a person's name.
	nameModifiers = set("first", "last", "full", "middle", "given", "family", "sur", "maiden", "display",
		"nick", "real", "user", "login", "screen", "author", "customer", "contact", "person", "member",
		"employee", "recipient", "billing", "shipping", "delivery", "holder", "account", "owner",
		"buyer", "patient", "student", "guest", "subscriber", "comment", "commenter", "reviewer", "fore")

	// keyModifiers make "key" a credential.
	keyModifiers = set("api", "private", "secret", "secure", "access", "activation", "auth", "consumer",
		"encryption", "signing", "session", "remember", "reset", "recovery", "verification",
		"confirmation", "security", "login", "in", "license", "client", "app", "master", "ssh", "gpg", "pgp")

	// flagWords as a first word make a flag or a setting.
	flagWords = set("is", "has", "have", "can", "should", "allow", "allows", "enable", "enabled", "use",
		"show", "send", "need", "needs", "require", "requires", "must", "was", "did", "hide", "force", "skip",
		"save")

	// aboutWords say a column holds something about the data, not the
	// data.
	aboutWords = set("template", "templates", "format", "formats", "type", "types", "count", "counter",
		"required", "require", "enabled", "enable", "disabled", "disable", "verified", "confirmed", "valid",
		"validity", "length", "len", "size", "expire", "expires", "expired", "expiry", "expiration",
		"date", "at", "time", "timestamp", "created", "updated", "modified", "changed", "sent", "status",
		"state", "mode", "method", "policy", "label", "placeholder", "pattern", "regex", "mask", "min",
		"max", "limit", "attempts", "tries", "retries", "failures", "strength", "algo", "algorithm", "cost",
		"rounds", "iterations", "version", "gen", "generated", "theme", "field", "fields", "column",
		"domain", "visible", "visibility", "hidden", "optin", "optional", "mandatory", "notify",
		"notification", "notifications", "reminder", "setting", "settings", "config", "range", "ttl",
		"timeout", "duration", "lifetime", "lifespan", "flag", "flags", "lookup", "validation", "hint",
		"question", "cutoff", "path", "archive", "file", "files", "dir", "directory")

	emailAboutWords      = set("subject", "body", "content", "text", "html", "heading", "header", "footer", "title", "message", "description", "from")
	credentialAboutWords = set("name", "path", "handler", "storage", "driver", "save", "gc", "cookie", "id")

	// ownerWords make e-mail, phone, postal and IP addresses and names the
	// shop's.
	ownerWords = set("shop", "shops", "store", "stores", "warehouse", "warehouses", "supplier", "suppliers",
		"manufacturer", "manufacturers", "carrier", "carriers", "merchant", "merchants", "server", "servers",
		"smtp", "inventory", "tax", "dest", "destination", "memcached", "sender")

	// assetWords make "hash" a file's hash.
	assetWords = set("file", "files", "image", "images", "img", "photo", "picture", "thumbnail", "media",
		"asset", "assets", "gallery", "content", "template", "cache", "etag", "checksum", "attachment",
		"config")

	peopleNouns = set("user", "users", "customer", "customers", "member", "members", "contact", "contacts",
		"employee", "employees", "author", "authors", "subscriber", "subscribers", "account", "accounts",
		"person", "persons", "people", "address", "addresses", "identity", "identities", "client", "clients",
		"guest", "guests", "visitor", "visitors", "patient", "patients", "student", "students", "staff",
		"admin", "admins", "profile", "profiles")
)

// compoundSuffixes end words written without a separator that name a kind
// by their last part: MediaWiki's user_newpassword, accesstoken,
// clientsecret, useremail, homephone.
var compoundSuffixes = []struct {
	suffix string
	kind   Kind
}{
	{"password", Credential}, {"passwd", Credential}, {"token", Credential}, {"secret", Credential},
	{"email", Email}, {"phone", Phone},
}

func compoundKind(w string) (Kind, bool) {
	for _, c := range compoundSuffixes {
		if len(w) > len(c.suffix)+2 && strings.HasSuffix(w, c.suffix) {
			return c.kind, true
		}
	}
	return "", false
}
