// Word lists for companies. The given names and surnames are in
// internal/fakeshape, which scan reads too.

package anonymize

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
