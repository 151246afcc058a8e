/* demo_names.c: the name, street, city and company tables of the demo
 * generator (demo.h). Names from several cultures, spelled as their bearers
 * spell them (diacritics included); companies and domains are invented. */
#include "jobs/demo.h"

#define LIST(a)                                                                                    \
  { a, sizeof a / sizeof a[0] }
#define NONE                                                                                       \
  { NULL, 0 }

/* ---- Anglo ---- */
static const char *const anglo_m[] = {
    "James",  "John",        "Robert",   "Michael", "William",  "David",   "Richard", "Joseph",
    "Thomas", "Christopher", "Charles",  "Daniel",  "Matthew",  "Anthony", "Mark",    "Steven",
    "Paul",   "Andrew",      "Joshua",   "Kevin",   "Brian",    "George",  "Timothy", "Ryan",
    "Jacob",  "Gary",        "Nicholas", "Eric",    "Jonathan", "Justin",  "Brandon", "Tyler",
    "Aaron",  "Adam",        "Nathan",   "Zachary", "Kyle",     "Ethan",   "Logan",   "Mason",
    "Liam",   "Noah",        "Owen",     "Wyatt",   "Caleb",    "Travis",  "Cody",    "Dustin"};
static const char *const anglo_f[] = {
    "Mary",    "Patricia", "Jennifer", "Linda",   "Elizabeth", "Barbara", "Susan",    "Jessica",
    "Sarah",   "Karen",    "Lisa",     "Nancy",   "Betty",     "Sandra",  "Ashley",   "Emily",
    "Donna",   "Michelle", "Amanda",   "Melissa", "Stephanie", "Rebecca", "Laura",    "Rachel",
    "Megan",   "Hannah",   "Olivia",   "Emma",    "Ava",       "Madison", "Abigail",  "Chloe",
    "Grace",   "Lauren",   "Brittany", "Kelly",   "Heather",   "Amber",   "Courtney", "Taylor",
    "Kristen", "Allison",  "Holly",    "Brooke"};
static const char *const anglo_l[] = {
    "Smith",      "Johnson",    "Williams", "Brown",      "Jones",    "Miller",    "Davis",
    "Wilson",     "Anderson",   "Taylor",   "Thomas",     "Moore",    "Jackson",   "Martin",
    "Thompson",   "White",      "Harris",   "Clark",      "Lewis",    "Robinson",  "Walker",
    "Young",      "Allen",      "King",     "Wright",     "Scott",    "Hill",      "Green",
    "Adams",      "Baker",      "Nelson",   "Carter",     "Mitchell", "Roberts",   "Turner",
    "Phillips",   "Campbell",   "Parker",   "Evans",      "Edwards",  "Collins",   "Stewart",
    "Morris",     "Murphy",     "Cook",     "Rogers",     "Morgan",   "Cooper",    "Peterson",
    "Reed",       "Bailey",     "Bell",     "Kelly",      "Howard",   "Ward",      "Cox",
    "Richardson", "Wood",       "Watson",   "Brooks",     "Bennett",  "Gray",      "Hughes",
    "Price",      "Sanders",    "Myers",    "Long",       "Ross",     "Foster",    "O'Brien",
    "O'Connor",   "McAllister", "Sullivan", "Fitzgerald", "Hayes",    "Whitfield", "Van Buren",
    "Caldwell"};

/* ---- Hispanic ---- */
static const char *const hisp_m[] = {
    "José",   "Juan",    "Luis",     "Carlos",  "Jorge",  "Miguel", "Alejandro", "Javier",
    "Diego",  "Ricardo", "Fernando", "Eduardo", "Andrés", "Mateo",  "Santiago",  "Daniel",
    "Rafael", "Héctor",  "Raúl",     "Óscar",   "Sergio", "Pablo",  "Emilio",    "Joaquín"};
static const char *const hisp_f[] = {
    "María",    "Guadalupe", "Sofía",   "Valentina", "Camila",   "Isabella", "Lucía",  "Ana",
    "Gabriela", "Daniela",   "Mariana", "Alejandra", "Verónica", "Rosa",     "Carmen", "Elena",
    "Natalia",  "Paola",     "Ximena",  "Adriana",   "Beatriz",  "Leticia",  "Mónica", "Inés"};
static const char *const hisp_l[] = {
    "García",       "Rodríguez",  "Martínez", "Hernández", "López",     "González", "Pérez",
    "Sánchez",      "Ramírez",    "Torres",   "Flores",    "Rivera",    "Gómez",    "Díaz",
    "Reyes",        "Morales",    "Cruz",     "Ortiz",     "Gutiérrez", "Chávez",   "Ramos",
    "Ruiz",         "Mendoza",    "Vásquez",  "Castillo",  "Jiménez",   "Moreno",   "Romero",
    "Herrera",      "Medina",     "Aguilar",  "Vargas",    "Castro",    "Guerrero", "Salazar",
    "García-López", "De la Cruz", "Peña",     "Ibáñez",    "Muñoz"};

/* ---- Chinese ---- */
static const char *const zh_m[] = {"Wei",   "Jun",    "Hao",  "Ming",  "Lei",  "Jian",
                                   "Tao",   "Yong",   "Bo",   "Qiang", "Jie",  "Kai",
                                   "Xiang", "Zhiwei", "Feng", "Kevin", "Eric", "Vincent"};
static const char *const zh_f[] = {"Na",   "Mei", "Xiuying", "Ying", "Fang",    "Jing",
                                   "Hui",  "Yan", "Xin",     "Lan",  "Ling",    "Yu",
                                   "Qing", "Yun", "Hong",    "Min",  "Jessica", "Grace"};
static const char *const zh_l[] = {"Wang", "Li",    "Zhang",  "Liu", "Chen", "Yang",  "Huang",
                                   "Zhao", "Wu",    "Zhou",   "Xu",  "Sun",  "Ma",    "Zhu",
                                   "Hu",   "Guo",   "Lin",    "Gao", "Luo",  "Liang", "Wong",
                                   "Chan", "Leung", "Cheung", "Lau", "Ng",   "Tsang"};

/* ---- Indian ---- */
static const char *const in_m[] = {"Aarav",  "Arjun",   "Rahul",   "Rohan",  "Vikram",    "Sanjay",
                                   "Amit",   "Raj",     "Anil",    "Suresh", "Ramesh",    "Vijay",
                                   "Rajesh", "Pradeep", "Karthik", "Nikhil", "Siddharth", "Aditya",
                                   "Deepak", "Manish",  "Ravi",    "Harish"};
static const char *const in_f[] = {"Priya", "Ananya",  "Aishwarya", "Deepa",  "Divya",
                                   "Kavya", "Lakshmi", "Meera",     "Neha",   "Pooja",
                                   "Riya",  "Shreya",  "Sunita",    "Anjali", "Swati",
                                   "Nisha", "Aarti",   "Sneha",     "Isha",   "Kiran"};
static const char *const in_l[] = {
    "Patel",       "Sharma",     "Singh",    "Kumar",    "Gupta", "Reddy",  "Rao",
    "Iyer",        "Nair",       "Shah",     "Mehta",    "Desai", "Joshi",  "Agarwal",
    "Chopra",      "Kapoor",     "Malhotra", "Bhatia",   "Menon", "Pillai", "Krishnan",
    "Subramanian", "Chatterjee", "Banerjee", "Mukherjee"};

/* ---- Vietnamese ---- */
static const char *const vi_m[] = {"Minh",  "Tuan", "Hung", "Đức", "Long", "Nam",  "Phong", "Quang",
                                   "Thanh", "Khoa", "Bao",  "Huy", "Dung", "Vinh", "Hieu"};
static const char *const vi_f[] = {"Linh",  "Lan",  "Mai",    "Trang", "Thuy",
                                   "Hoa",   "Ngoc", "Huong",  "Anh",   "Thảo",
                                   "Nhung", "Hanh", "Phuong", "Vy",    "Trinh"};
static const char *const vi_l[] = {"Nguyen", "Tran", "Le",    "Pham", "Hoang",  "Huynh",
                                   "Phan",   "Vu",   "Vo",    "Dang", "Bui",    "Do",
                                   "Ho",     "Ngo",  "Duong", "Ly",   "Nguyễn", "Trần"};

/* ---- Korean ---- */
static const char *const ko_m[] = {"Min-jun",   "Ji-hoon",  "Hyun-woo", "Seung-ho",
                                   "Dong-hyun", "Jae-won",  "Sung-min", "Young-ho",
                                   "Joon",      "Tae-yang", "Daniel",   "Brian"};
static const char *const ko_f[] = {"Ji-yeon", "Seo-yeon", "Min-ji", "Soo-jin",
                                   "Eun-ji",  "Hye-jin",  "Ji-woo", "Yoon-ah",
                                   "Ha-eun",  "Su-bin",   "Grace",  "Christine"};
static const char *const ko_l[] = {"Kim",  "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon",
                                   "Jang", "Lim", "Han",  "Shin", "Oh",   "Seo",  "Kwon"};

/* ---- Arabic ---- */
static const char *const ar_m[] = {"Mohammed", "Ahmed", "Omar",  "Ali",   "Hassan", "Youssef",
                                   "Khalid",   "Tariq", "Karim", "Samir", "Rami",   "Ziad",
                                   "Faisal",   "Nabil", "Hamza", "Bilal"};
static const char *const ar_f[] = {"Fatima", "Aisha",  "Layla", "Mariam", "Noor",
                                   "Yasmin", "Salma",  "Rania", "Huda",   "Leila",
                                   "Amira",  "Zainab", "Dina",  "Hana",   "Reem"};
static const char *const ar_l[] = {
    "Al-Sayed", "Haddad", "Khoury",   "Mansour", "Nasser",  "Saleh",  "Hamdan",  "Farah",
    "Aziz",     "Rahman", "Abdullah", "Hussein", "Ibrahim", "Khalil", "Darwish", "El-Amin"};

/* ---- Czech and Polish: surnames take a feminine form ---- */
static const char *const cz_m[] = {"Jan",    "Petr",  "Jiří",   "Tomáš",     "Martin",   "Pavel",
                                   "Jakub",  "Lukáš", "Ondřej", "Vojtěch",   "Miroslav", "Zdeněk",
                                   "Václav", "Radek", "Piotr",  "Krzysztof", "Łukasz",   "Paweł"};
static const char *const cz_f[] = {
    "Jana",   "Petra", "Lucie",    "Kateřina", "Tereza", "Eva",       "Markéta",    "Barbora",
    "Zuzana", "Hana",  "Veronika", "Alžběta",  "Šárka",  "Agnieszka", "Małgorzata", "Katarzyna"};
static const char *const cz_l[] = {"Novák",     "Svoboda",    "Novotný",     "Dvořák",    "Černý",
                                   "Procházka", "Kučera",     "Veselý",      "Horák",     "Němec",
                                   "Marek",     "Pospíšil",   "Hájek",       "Král",      "Jelínek",
                                   "Růžička",   "Beneš",      "Fiala",       "Sedláček",  "Zeman",
                                   "Kowalski",  "Wiśniewski", "Lewandowski", "Zieliński", "Nowak"};
static const char *const cz_lf[] = {
    "Nováková",   "Svobodová",   "Novotná",   "Dvořáková", "Černá",       "Procházková", "Kučerová",
    "Veselá",     "Horáková",    "Němcová",   "Marková",   "Pospíšilová", "Hájková",     "Králová",
    "Jelínková",  "Růžičková",   "Benešová",  "Fialová",   "Sedláčková",  "Zemanová",    "Kowalska",
    "Wiśniewska", "Lewandowska", "Zielińska", "Nowak"};

/* ---- French (and Québécois) ---- */
static const char *const fr_m[] = {
    "Jean",    "Pierre",  "Louis",   "Julien",  "Mathieu",   "Nicolas", "Antoine", "François",
    "Étienne", "Olivier", "Thierry", "Laurent", "Sébastien", "Rémi",    "Hugo",    "Théo"};
static const char *const fr_f[] = {"Marie",    "Camille",  "Chloé",   "Léa",    "Manon",
                                   "Juliette", "Élodie",   "Céline",  "Amélie", "Sophie",
                                   "Claire",   "Isabelle", "Margaux", "Hélène", "Océane"};
static const char *const fr_l[] = {"Bernard",  "Dubois",   "Durand",   "Leroy",   "Moreau",
                                   "Lefèvre",  "Fournier", "Girard",   "Bonnet",  "Dupont",
                                   "Lambert",  "Fontaine", "Rousseau", "Mercier", "Chevalier",
                                   "Lemaître", "Bélanger", "Côté",     "Gagnon",  "Tremblay"};

/* ---- German ---- */
static const char *const de_m[] = {
    "Lukas",    "Maximilian", "Felix",  "Jonas", "Leon",     "Tobias", "Sebastian", "Florian",
    "Matthias", "Stefan",     "Jürgen", "Klaus", "Wolfgang", "Dieter", "Günter",    "Jörg"};
static const char *const de_f[] = {"Anna",   "Lena",  "Julia",  "Katharina", "Sophie",   "Lea",
                                   "Sabine", "Petra", "Ursula", "Monika",    "Brigitte", "Jutta",
                                   "Birgit", "Käthe", "Annika", "Franziska"};
static const char *const de_l[] = {
    "Müller", "Schmidt",  "Schneider", "Fischer", "Weber",   "Meyer",      "Wagner",
    "Becker", "Schulz",   "Hoffmann",  "Schäfer", "Koch",    "Bauer",      "Richter",
    "Klein",  "Wolf",     "Schröder",  "Neumann", "Schwarz", "Zimmermann", "Braun",
    "Krüger", "Hartmann", "Lange",     "Weiß",    "Strauß"};

/* ---- Nigerian (Igbo, Yoruba, Hausa) ---- */
static const char *const ng_m[] = {"Chinedu", "Emeka",  "Oluwaseun", "Babajide",    "Tunde",
                                   "Adebayo", "Obinna", "Ikechukwu", "Chukwuemeka", "Olumide",
                                   "Femi",    "Segun",  "Uche",      "Kelechi",     "Ayodele",
                                   "Nnamdi",  "Musa",   "Abubakar"};
static const char *const ng_f[] = {
    "Chiamaka", "Ngozi",  "Adaeze", "Folake", "Funmilayo", "Yetunde", "Oluwakemi", "Ifeoma",
    "Nneka",    "Chioma", "Amaka",  "Bisola", "Temitope",  "Adaora",  "Ebere",     "Aisha"};
static const char *const ng_l[] = {"Okafor",    "Adeyemi", "Okonkwo", "Oluwole",  "Eze",
                                   "Nwosu",     "Balogun", "Adebayo", "Ogunleye", "Obi",
                                   "Chukwu",    "Afolabi", "Okeke",   "Bello",    "Adeleke",
                                   "Nwachukwu", "Olawale", "Akinola", "Abubakar", "Danjuma"};

const rp_demo_culture rp_demo_cultures[] = {
    {"anglo", 380, LIST(anglo_m), LIST(anglo_f), LIST(anglo_l), NONE, "+44"},
    {"hispanic", 200, LIST(hisp_m), LIST(hisp_f), LIST(hisp_l), NONE, "+52"},
    {"chinese", 60, LIST(zh_m), LIST(zh_f), LIST(zh_l), NONE, NULL},
    {"indian", 70, LIST(in_m), LIST(in_f), LIST(in_l), NONE, "+44"},
    {"vietnamese", 40, LIST(vi_m), LIST(vi_f), LIST(vi_l), NONE, NULL},
    {"korean", 35, LIST(ko_m), LIST(ko_f), LIST(ko_l), NONE, NULL},
    {"arabic", 35, LIST(ar_m), LIST(ar_f), LIST(ar_l), NONE, "+33"},
    {"slavic", 45, LIST(cz_m), LIST(cz_f), LIST(cz_l), LIST(cz_lf), "+44"},
    {"french", 35, LIST(fr_m), LIST(fr_f), LIST(fr_l), NONE, "+33"},
    {"german", 50, LIST(de_m), LIST(de_f), LIST(de_l), NONE, "+44"},
    {"nigerian", 50, LIST(ng_m), LIST(ng_f), LIST(ng_l), NONE, "+44"},
};
const size_t rp_demo_n_cultures = sizeof rp_demo_cultures / sizeof rp_demo_cultures[0];

/* The agent works the Austin area; some contacts live elsewhere (investors,
 * relocations, family). Postal and area codes are the cities' real ones. */
const rp_demo_city rp_demo_cities[] = {
    {"Austin", "TX", "78701 78702 78703 78704 78723 78731 78745 78749 78757", "512 737", true},
    {"Round Rock", "TX", "78664 78665 78681", "512 737", true},
    {"Cedar Park", "TX", "78613", "512", true},
    {"Pflugerville", "TX", "78660", "512 737", true},
    {"Georgetown", "TX", "78626 78628 78633", "512", true},
    {"Leander", "TX", "78641", "512", true},
    {"Kyle", "TX", "78640", "512 737", true},
    {"Dripping Springs", "TX", "78620", "512", true},
    {"Lakeway", "TX", "78734 78738", "512", true},
    {"Dallas", "TX", "75201 75204 75206 75214", "214 469 972", false},
    {"Houston", "TX", "77002 77006 77019 77098", "713 281 832", false},
    {"San Antonio", "TX", "78204 78209 78212", "210", false},
    {"Denver", "CO", "80202 80205 80206 80210", "303 720", false},
    {"Phoenix", "AZ", "85004 85016 85018", "602 480", false},
    {"Seattle", "WA", "98101 98103 98107 98115", "206", false},
    {"Portland", "OR", "97201 97209 97214", "503 971", false},
    {"San Diego", "CA", "92101 92103 92107", "619 858", false},
    {"San Jose", "CA", "95110 95125", "408", false},
    {"Chicago", "IL", "60607 60614 60622 60657", "312 773", false},
    {"Atlanta", "GA", "30303 30306 30308", "404 678", false},
    {"Nashville", "TN", "37203 37206 37212", "615", false},
    {"Raleigh", "NC", "27601 27603 27608", "919", false},
    {"Boston", "MA", "02108 02116 02118", "617", false},
    {"Brooklyn", "NY", "11201 11211 11215", "718 347", false},
    {"Miami", "FL", "33130 33131 33137", "305 786", false},
    {"Minneapolis", "MN", "55401 55405 55408", "612", false},
};
const size_t rp_demo_n_cities = sizeof rp_demo_cities / sizeof rp_demo_cities[0];

static const char *const streets[] = {
    "Oak",         "Maple",        "Cedar",      "Pine",           "Elm",         "Willow",
    "Pecan",       "Live Oak",     "Bluebonnet", "Barton Springs", "Rio Grande",  "Guadalupe",
    "Lamar",       "Congress",     "Riverside",  "Lakeview",       "Hillcrest",   "Sunset",
    "Meadow",      "Brushy Creek", "Mesquite",   "Magnolia",       "Chestnut",    "Highland",
    "Park",        "Washington",   "Lincoln",    "Main",           "Church",      "Mill",
    "Spring",      "Valley",       "Ridge",      "Canyon",         "Creekside",   "Windsor",
    "Cypress",     "Juniper",      "Sycamore",   "Hickory",        "Aspen",       "Laurel",
    "San Gabriel", "Pedernales",   "Blanco",     "Shoal Creek",    "Mockingbird", "Hummingbird"};
static const char *const street_types[] = {"St",  "Ave", "Rd", "Dr", "Ln",   "Blvd", "Ct",
                                           "Way", "Trl", "Cv", "Pl", "Pkwy", "Loop", "Dr"};
static const char *const interests[] = {
    "golf",         "UT football",      "gardening",
    "yoga",         "fishing",          "live music",
    "BBQ",          "hiking",           "wine",
    "cycling",      "pickleball",       "photography",
    "church choir", "woodworking",      "cooking",
    "travel",       "Spurs basketball", "kayaking on Lady Bird Lake",
    "book club",    "running",          "tennis",
    "home brewing", "painting",         "volunteering at the food bank",
    "classic cars", "birding",          "soccer",
    "chess"};
static const char *const pets[] = {
    "golden retriever named Max", "two cats, Luna and Milo",  "labradoodle named Biscuit",
    "German shepherd named Rex",  "a rescue pit bull, Daisy", "French bulldog named Gus",
    "cat named Oliver",           "two dachshunds",           "parrot named Kiwi",
    "border collie named Scout",  "beagle named Penny",       "chickens in the backyard"};
static const char *const kid_names[] = {
    "Emma",  "Liam",  "Olivia", "Noah", "Sofia", "Mateo", "Mia",    "Lucas", "Aiden", "Zoe",
    "Ethan", "Chloe", "Leo",    "Maya", "Arjun", "Ava",   "Jayden", "Lily",  "Ben",   "Nora"};

const rp_demo_list rp_demo_streets = LIST(streets);
const rp_demo_list rp_demo_street_types = LIST(street_types);
const rp_demo_list rp_demo_interests = LIST(interests);
const rp_demo_list rp_demo_pets = LIST(pets);
const rp_demo_list rp_demo_kid_names = LIST(kid_names);

/* Employers of the contacts (invented names and domains). */
const rp_demo_company rp_demo_employers[] = {
    {"Bluebonnet Software", "bluebonnetsoft.com", NULL},
    {"Hill Country Medical Group", "hcmedgroup.com", NULL},
    {"Capital City Credit Union", "capcitycu.org", NULL},
    {"Lone Star Semiconductors", "lonestarsemi.com", NULL},
    {"Pecan Street Analytics", "pecanstreetanalytics.com", NULL},
    {"Riverside Family Dental", "riversidefamilydental.com", NULL},
    {"Barton Creek Engineering", "bartoncreekeng.com", NULL},
    {"Travis County Schools", "tcschools.org", NULL},
    {"Colorado River Energy", "coloradoriverenergy.com", NULL},
    {"Sixth Street Studios", "sixthstreetstudios.com", NULL},
    {"Mesquite Logistics", "mesquitelogistics.com", NULL},
    {"Longhorn Legal LLP", "longhornlegal.com", NULL},
    {"Cedar Ridge Hospital", "cedarridgehealth.org", NULL},
    {"Brazos Biotech", "brazosbio.com", NULL},
    {"Lakeline Accounting", "lakelinecpa.com", NULL},
};
const size_t rp_demo_n_employers = sizeof rp_demo_employers / sizeof rp_demo_employers[0];

/* Other agents' brokerages (co-op deals, referrals). */
const rp_demo_company rp_demo_brokerages[] = {
    {"Hill Country Realty", "hillcountryrealty.com", "co-op"},
    {"Summit Properties", "summitpropertiestx.com", "co-op"},
    {"Riverstone Realty", "riverstonerealty.com", "co-op"},
    {"Live Oak Realty Group", "liveoakrealtygroup.com", "co-op"},
    {"Lakeway Homes", "lakewayhomes.com", "co-op"},
    {"Front Porch Realty (Denver)", "frontporchdenver.com", "relocation"},
};
const size_t rp_demo_n_brokerages = sizeof rp_demo_brokerages / sizeof rp_demo_brokerages[0];

/* The agent's vendors, with their trade as a tag. */
const rp_demo_company rp_demo_vendors[] = {
    {"Lone Star Lending", "lonestarlending.com", "lender"},
    {"Capitol Mortgage Partners", "capitolmortgagepartners.com", "lender"},
    {"Independence Title", "independencetitleco.com", "title"},
    {"Hill Country Home Inspections", "hchomeinspect.com", "inspector"},
    {"Pecan Street Staging", "pecanstreetstaging.com", "stager"},
    {"Bluebonnet Movers", "bluebonnetmovers.com", "mover"},
    {"Austin Roof Pros", "austinroofpros.com", "contractor"},
    {"Cedar Park Plumbing", "cedarparkplumbing.com", "contractor"},
    {"Golden Hour Photography", "goldenhourphoto.com", "photographer"},
    {"Kinney & Shaw Attorneys", "kinneyshaw.com", "attorney"},
};
const size_t rp_demo_n_vendors = sizeof rp_demo_vendors / sizeof rp_demo_vendors[0];
