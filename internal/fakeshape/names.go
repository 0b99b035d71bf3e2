// The names fakes are made of: common given names and surnames, chosen
// from many countries but written in plain ASCII so that usernames and
// e-mail addresses built from them need no transliteration.

package fakeshape

// FirstNames are the given names of the name fakes and of fake e-mail
// local parts and usernames, in plain ASCII.
var FirstNames = []string{
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

// LastNames are their surnames, in plain ASCII.
var LastNames = []string{
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
