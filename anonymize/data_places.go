// Word lists for places: town names common to many English-speaking
// countries, street names and types, and a set of countries with their
// ISO 3166-1 codes.

package anonymize

var cityNames = []string{
	"Springfield", "Riverton", "Fairview", "Greenville", "Franklin", "Clinton", "Madison", "Georgetown",
	"Salem", "Arlington", "Ashland", "Burlington", "Clayton", "Dayton", "Dover", "Hudson",
	"Kingston", "Lexington", "Marion", "Milford", "Newport", "Oxford", "Plymouth", "Quincy",
	"Richmond", "Shelby", "Troy", "Vernon", "Winchester", "Bristol", "Camden", "Chester",
	"Centerville", "Lakewood", "Oakdale", "Maplewood", "Brookfield", "Pinehurst", "Cedar Falls", "Elmwood",
	"Riverside", "Hillcrest", "Westfield", "Northbrook", "Southport", "Eastwood", "Bayview", "Stonebridge",
	"Silverton", "Woodland", "Meadowbrook", "Rockport", "Glendale", "Ridgewood", "Highland", "Fairmont",
	"Kingsport", "Lakeside", "Millbrook", "Ashford", "Bellevue", "Carlton", "Easton", "Hampton",
	"Lancaster", "Mansfield", "Norwood", "Preston", "Rosedale", "Sheffield", "Thornton", "Wakefield",
	"Weston", "Whitby", "Yorktown", "Port Ellen", "Lake Bluff", "Mount Pleasant", "New Haven", "Oak Hill",
}

// country is a country name with its ISO 3166-1 alpha-2 and alpha-3 codes.
type country struct{ name, a2, a3 string }

var countries = []country{
	{"United States", "US", "USA"}, {"Canada", "CA", "CAN"}, {"Mexico", "MX", "MEX"},
	{"Brazil", "BR", "BRA"}, {"Argentina", "AR", "ARG"}, {"Chile", "CL", "CHL"},
	{"Colombia", "CO", "COL"}, {"Peru", "PE", "PER"}, {"United Kingdom", "GB", "GBR"},
	{"Ireland", "IE", "IRL"}, {"France", "FR", "FRA"}, {"Germany", "DE", "DEU"},
	{"Spain", "ES", "ESP"}, {"Portugal", "PT", "PRT"}, {"Italy", "IT", "ITA"},
	{"Netherlands", "NL", "NLD"}, {"Belgium", "BE", "BEL"}, {"Luxembourg", "LU", "LUX"},
	{"Switzerland", "CH", "CHE"}, {"Austria", "AT", "AUT"}, {"Denmark", "DK", "DNK"},
	{"Norway", "NO", "NOR"}, {"Sweden", "SE", "SWE"}, {"Finland", "FI", "FIN"},
	{"Iceland", "IS", "ISL"}, {"Poland", "PL", "POL"}, {"Czechia", "CZ", "CZE"},
	{"Slovakia", "SK", "SVK"}, {"Hungary", "HU", "HUN"}, {"Romania", "RO", "ROU"},
	{"Bulgaria", "BG", "BGR"}, {"Greece", "GR", "GRC"}, {"Croatia", "HR", "HRV"},
	{"Slovenia", "SI", "SVN"}, {"Estonia", "EE", "EST"}, {"Latvia", "LV", "LVA"},
	{"Lithuania", "LT", "LTU"}, {"Turkey", "TR", "TUR"}, {"Israel", "IL", "ISR"},
	{"Egypt", "EG", "EGY"}, {"Morocco", "MA", "MAR"}, {"South Africa", "ZA", "ZAF"},
	{"Nigeria", "NG", "NGA"}, {"Kenya", "KE", "KEN"}, {"Ghana", "GH", "GHA"},
	{"India", "IN", "IND"}, {"Pakistan", "PK", "PAK"}, {"China", "CN", "CHN"},
	{"Japan", "JP", "JPN"}, {"South Korea", "KR", "KOR"}, {"Vietnam", "VN", "VNM"},
	{"Thailand", "TH", "THA"}, {"Malaysia", "MY", "MYS"}, {"Singapore", "SG", "SGP"},
	{"Indonesia", "ID", "IDN"}, {"Philippines", "PH", "PHL"}, {"Australia", "AU", "AUS"},
	{"New Zealand", "NZ", "NZL"}, {"United Arab Emirates", "AE", "ARE"}, {"Saudi Arabia", "SA", "SAU"},
}
