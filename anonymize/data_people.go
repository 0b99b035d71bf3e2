// Word lists for people: common given names and surnames, chosen from
// many countries but written in plain ASCII so that usernames and emails
// built from them need no transliteration.

package anonymize

var firstNames = []string{
	"Emma", "Olivia", "Ava", "Sophia", "Isabella", "Mia", "Amelia", "Harper",
	"Evelyn", "Abigail", "Emily", "Ella", "Elizabeth", "Camila", "Luna", "Sofia",
	"Avery", "Mila", "Aria", "Scarlett", "Penelope", "Layla", "Chloe", "Victoria",
	"Madison", "Eleanor", "Grace", "Nora", "Riley", "Zoey", "Hannah", "Hazel",
	"Lily", "Ellie", "Violet", "Lillian", "Zoe", "Stella", "Aurora", "Natalie",
	"Emilia", "Leah", "Aubrey", "Willow", "Lucy", "Audrey", "Bella", "Nova",
	"Ines", "Sanna", "Priya", "Aisha", "Yuki", "Marta", "Elena", "Julia",
	"Liam", "Noah", "Oliver", "Elijah", "James", "William", "Benjamin", "Lucas",
	"Henry", "Theodore", "Jack", "Levi", "Alexander", "Jackson", "Mateo", "Daniel",
	"Michael", "Mason", "Sebastian", "Ethan", "Logan", "Owen", "Samuel", "Jacob",
	"Asher", "Aiden", "John", "Joseph", "Wyatt", "David", "Leo", "Luke",
	"Julian", "Hudson", "Grayson", "Matthew", "Ezra", "Gabriel", "Carter", "Isaac",
	"Luca", "Anthony", "Dylan", "Thomas", "Elias", "Charles", "Omar", "Amir",
	"Kofi", "Lars", "Chen", "Mateus", "Pierre", "Hugo", "Paul", "Max",
}

var lastNames = []string{
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
	"Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas",
	"Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
	"Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
	"Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
	"Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell",
	"Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker",
	"Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy",
	"Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey",
	"Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson",
	"Watson", "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza",
	"Ruiz", "Hughes", "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers",
	"Long", "Ross", "Foster", "Jimenez", "Muller", "Schmidt", "Dubois", "Moreau",
	"Rossi", "Bianchi", "Jansen", "Nielsen", "Novak", "Kowalski", "Silva", "Tanaka",
}

var companyNames = []string{
	"Bluebird", "Oakridge", "Silverline", "Brightwater", "Redstone", "Greenfield", "Ironwood", "Sunrise",
	"Clearview", "Highpoint", "Riverbend", "Summit", "Pioneer", "Keystone", "Lighthouse", "Evergreen",
	"Granite", "Horizon", "Meridian", "Northstar", "Pinecrest", "Quarry", "Redwood", "Sandstone",
	"Starlight", "Trident", "Vantage", "Westwind", "Willowbrook", "Zenith", "Amber", "Apex",
	"Arrow", "Aspen", "Atlas", "Beacon", "Birch", "Cascade", "Cedar", "Copper",
	"Crescent", "Crystal", "Delta", "Eagle", "Echo", "Falcon", "Fox", "Harbor",
	"Hawk", "Juniper", "Lakeside", "Linden", "Maple", "Mosaic", "Nimbus", "Oak",
	"Orchid", "Osprey", "Paragon", "Phoenix", "Prairie", "Quartz", "Raven", "Sable",
	"Sequoia", "Sierra", "Spruce", "Stonegate", "Sycamore", "Tidewater", "Timber", "Topaz",
	"Union", "Valley", "Vertex", "Willow", "Wren", "Kestrel", "Larkspur", "Moonstone",
}

var companySuffixes = []string{
	"Ltd", "Inc.", "LLC", "GmbH", "SARL", "& Co.", "Group", "Partners",
	"Systems", "Labs", "Trading", "Holdings", "Studio", "Works", "Logistics", "Consulting",
	"Supplies", "Foods", "Media", "Software",
}
