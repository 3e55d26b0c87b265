"""The icon catalogue: Tabler icons (MIT, from the `tablerpy` package) worth a logo, with tags.

Tabler's package has no tags, so this table says which icons suit which businesses. Each entry is
(name, source, phrase, tags):

- name: the catalogue name stored in a LogoSpec (its words count as keywords too); a few keep the
  names of the engine's earlier hand-drawn icons ("cup", "house", "gear", "chart", "spark", …),
- source: the Tabler icon, "filled/<tabler name>" or "outline/<tabler name>"; filled icons are
  preferred (solid marks read as logos and survive 32 px), outline ones are used only where no
  filled icon fits, and are drawn with heavier strokes; or "drawn/<name>", one of the engine's
  own drawings (`_drawn`) for a trade Tabler has no icon for (a kebab, a zoo's elephant, …),
- phrase: how a designer would describe the icon in a prompt ("steaming coffee cup"),
- tags: the words (folded, lower case, singular) of industries, products and ideas it suits.

Within a group, earlier entries win ties, so the most typical icon of a trade comes first.
"""

from __future__ import annotations

# Words that say what kind of place a business is, not what it does ("sailing school", "yoga
# studio", "toy shop", "kayak rentals"): they count for a quarter, so the specific word picks
# the icon (a kayak rental is drawn with kayaks and water, not with the car and house that
# "rental" also tags).
_GENERIC = """
    school studio shop store club company agency service firm house center centre group team
    rental rent hire leasing lease sales sale
    lab laboratory repair production craft business brand boutique market bar cafe
    clinic practice academy institute online digital solution app platform co inc ltd llc
    home parlor parlour hall room workshop works atelier
"""
GENERIC_WORDS = frozenset(_GENERIC.split())


def _contexts(entries: tuple[tuple[str, str, str], ...]) -> dict[tuple[str, str], frozenset[str]]:
    """(icon, tag, context words) entries by (icon, tag). A pair listed twice is an error: in a
    dict the later entry silently replaced the earlier (a halal butcher's pig went unnoticed)."""
    table: dict[tuple[str, str], frozenset[str]] = {}
    for icon, tag, context in entries:
        if (icon, tag) in table:
            raise ValueError(f"({icon!r}, {tag!r}) is listed twice")
        table[icon, tag] = frozenset(context.split())
    return table


# Compounds and idioms whose words, read one by one, name other things: a cream tea is tea and
# scones (no ice cream), a sea horse no horse, "cloud nine" no cloud and a "top dog" no dog.
# Before a brief's words are matched, each phrase (its words plural or not, apart or
# hyphenated) is read as the words given for it, none for an idiom that pictures nothing.
PHRASES: dict[str, str] = {
    # compounds: one thing, named by words that are other things alone
    "cream tea": "tea",
    "sea horse": "seahorse",
    "sea lion": "seal",
    "sea dog": "sailor",
    "hot dog": "hotdog",
    "corn dog": "hotdog",
    "hush puppy": "cornbread",
    "catfish": "fish",
    "star fruit": "starfruit",
    "dragon fruit": "dragonfruit",
    "horse radish": "horseradish",
    "hot pot": "hotpot",
    "egg plant": "eggplant",
    "monkey wrench": "wrench",
    "guinea pig": "guineapig",
    "glass blowing": "glassblowing",
    "glass blower": "glassblower",
    "blown glass": "glassblowing",
    "bird of prey": "raptor",
    "dry cleaning": "drycleaning",
    "dry cleaner": "drycleaning",
    "rock climbing gym": "climbing",
    "rock climbing": "climbing",
    "climbing gym": "climbing",
    "bouldering gym": "bouldering climbing",
    "laser tag": "lasertag",
    "go kart": "karting",
    "book binding": "bookbinding",
    "family run": "family",
    "fish and chips": "fish chippy",
    "fish n chips": "fish chippy",
    "chip shop": "chippy",
    "hot air balloon": "hotairballoon",
    "hot air": "hotair",
    "hot tub": "hottub",
    "post office": "postoffice post mail",
    "key cutting": "key",
    "heat pump": "heatpump heating hvac",
    "process server": "legal",
    "vegan leather": "leather",
    "spray tan": "tanning",
    "prom dress": "gown",
    "game warden": "wildlife ranger",
    "video game": "videogame gaming",
    "fire pit": "firepit",
    "off licence": "liquor",
    "grey hound": "greyhound",
    "rock and roll": "rock music guitar",
    "rock n roll": "rock music guitar",
    "pick and mix": "candy",
    "pick n mix": "candy",
    "fish and game": "fish hunting",
    "surf and turf": "steak seafood",
    "rhythm and blues": "music",
    "nuts and bolts": "hardware",
    "bank holiday": "",
    "river bank": "riverside river",
    "memory foam": "mattress",
    "bed bug": "bedbug pest",
    "flower bed": "flowerbed garden flower",
    "sea bed": "seabed sea",
    "park and ride": "bus parking",
    "garage sale": "sale bargain",
    "yard sale": "sale bargain",
    "car boot sale": "sale bargain",
    "fire station": "firefighter",
    "machine learning": "ai",
    "deep learning": "ai",
    "game reserve": "wildlife safari",
    "pest management": "pest control",
    "business card": "businesscard printing",
    "greeting card": "greetingcard stationery gift",
    "card shop": "greetingcard stationery gift",
    "second hand": "secondhand",
    "faux leather": "leather",
    "process serving": "legal",
    "kitchen fitter": "kitchenfitter renovation",
    "kitchen fitting": "kitchenfitter renovation",
    "walking tour": "walking hiking map",
    "ruby on rails": "rubyonrails code",
    # a place to work or meet is no outer space (a rocket, a satellite)
    "coworking space": "coworking office",
    "co working space": "coworking office",
    "office space": "office",
    "work space": "office",
    "workspace": "office",
    "event space": "venue event",
    "maker space": "diy",
    "makerspace": "diy",
    "creative space": "creative",
    # the bar of barristers pours no beer; a nursery school grows no plants
    "bar association": "law legal",
    "bar council": "law legal",
    "bar exam": "law legal exam",
    "nursery school": "daycare preschool",
    # a car park is a parking (a car, its engine and its wheels are a garage's)
    "car park": "carpark",
    "stained glass": "glazing glass",
    "cloud kitchen": "kitchen delivery",
    "ghost kitchen": "kitchen delivery",
    "dark kitchen": "kitchen delivery",
    "virtual kitchen": "kitchen delivery",
    "bubble wrap": "packaging",
    "pop up": "popup",
    "sign language": "signlanguage language",  # a hot-air brush is no air conditioner
    "driving range": "golf",
    "record label": "vinyl music",
    "music label": "vinyl music",
    "light house": "lighthouse",
    "green house": "greenhouse",
    "gas station": "fuel",
    "petrol station": "fuel",
    "filling station": "fuel",
    "face painting": "facepainting palette",  # "family-run since 1952" is no runner
    # idioms that picture nothing of their words
    "cloud nine": "",
    "top dog": "",
    "dark horse": "",
    "cash cow": "",
    "black sheep": "",
    "piece of cake": "",
    "early bird": "",
    "night owl": "",
    "busy bee": "",
    "bee s knees": "",
    "cat s pajamas": "",
    "cat s whiskers": "",
    "red herring": "",
    "big apple": "",
    "white elephant": "",
    "lone wolf": "",
    "cherry on top": "",
    "pie in the sky": "",
    "silver lining": "",
    "second wind": "",
    "sour grapes": "",
    "cool beans": "",
    "rule of thumb": "",
    "eagle eye": "",
    "needle in a haystack": "",
    "needle in the haystack": "",
    "key to success": "",
    "key to your success": "",
    "gold standard": "",
    "hit the ground running": "",
    "bells and whistles": "",
    "no place like home": "home",
    "second to none": "",
}

# Words of a catalogue name that say what the icon looks like, not what it is for: a bakery's
# "pies" or a doughnut shop's "donuts" are not charts.
NOT_KEYWORDS: dict[str, frozenset[str]] = {
    "pie-chart": frozenset({"pie"}),
    "donut-chart": frozenset({"donut"}),
    # a "hot towel shave" is no balloon ride; an optician's "glasses" are no wine glass
    "hot-air-balloon": frozenset({"hot", "air", "balloon"}),
    "wine-glass": frozenset({"glass"}),
    # drawn in heavy outline the turbine reads as an aeroplane: its name's "wind" no longer
    # puts it before the filled windmill
    "wind-turbine": frozenset({"wind"}),
    # the star of David is no bakery's star ("Star Bakery" drew it first)
    "star-of-david": frozenset({"star", "of", "david"}),
    # a crystal ball is no window cleaner's "crystal clear" nor a masquerade ball
    "crystal-ball": frozenset({"crystal", "ball"}),
    # a "pop-up shop" or a "start up" is no rising trend
    "trending-up": frozenset({"up"}),
    # a candy floss, coffee or slot machine is no washing machine
    "washing-machine": frozenset({"machine"}),
    # a barber's "hot towel" is no hot dog; a fishmonger's or an aquarium's fish no angler's hook
    "hot-dog": frozenset({"hot", "dog"}),
    "fish-hook": frozenset({"fish"}),
}

# Tags (or words of an icon's name) whose word names several trades: "training" is a gym's
# beside "personal" or "strength", a presentation's beside "corporate", a dog's beside "puppy";
# "lessons" are a swimmer's only beside "swimming"; "delivery" is a pizza only beside a food
# word; "aid" is a first aid kit only beside "first" (not "legal aid"). Such a word counts for
# an icon only when the brief also has one of the words listed for it (in any field), so
# "personal training" is not drawn as a presentation board, nor "music lessons" as a swimmer,
# nor a courier as a pizza slice.
_FITNESS = (
    "personal strength fitness gym athletic athlete sport weight weightlifting workout crossfit "
    "bootcamp conditioning performance body muscle physique trainer coach running marathon"
)
_PET = "dog dogs doggy doggie puppy pet pets canine cat hound greyhound lurcher"
_BUSINESS = (
    "corporate staff business leadership sales management employee professional workplace "
    "company executive team skill"
)
_MEDICAL = (
    "medical clinic doctor hospital care healthcare nurse nursing patient pharmacy insurance "
    "center centre practice gp urgent public mental physician surgery"
)
_DATA = "data cloud digital file backup online server it tech software hosting"
QUALIFIED_TAGS: dict[tuple[str, str], frozenset[str]] = _contexts(
    (
        *((icon, "training", _FITNESS) for icon in ("barbell", "stretching", "runner")),
        ("presentation", "training", _BUSINESS),
        (
            "certificate",
            "training",
            "certification certificate course accredited accreditation professional "
            "compliance qualification",
        ),
        ("first-aid", "training", "first aid safety emergency cpr medical lifeguard"),
        ("dog", "training", "dog puppy canine obedience pet"),
        ("swimmer", "lesson", "swim swimming pool aquatic water"),
        # fencing the sport, beside a word of sport (a fencing contractor's is a fence)
        ("swords", "fencing", "club sword sport epee foil sabre olympic academy lesson lessons"),
        # an ice rink's skate, a roller rink's; skydiving is no scuba dive
        ("ice-skating", "ice", "rink skating skate skater hockey figure"),
        ("roller-skating", "roller", "rink skating skate skater derby"),
        (
            "scuba-mask",
            "diving",
            "scuba sea ocean reef underwater snorkel school centre center instructor trip",
        ),
        # words of an icon's name that are other trades' words alone: an ice rink is no ice
        # cream, a roller rink no paint roller, a hat maker no chef's toque
        ("ice-cream", "ice", "cream creamery"),
        ("paint-roller", "roller", "paint painter painting decorator decorating"),
        ("chef-hat", "hat", "chef cook cooking kitchen culinary"),
        # an escape room's lock and key, not a "weekend escape" travel brand's
        *(
            (icon, "escape", "room rooms game games puzzle adventure")
            for icon in ("padlock", "key", "puzzle")
        ),
        # a farm that names its animal is not drawn with another's: an egg, not a pig
        ("egg", "chicken", "farm farmer farming coop hatchery poultry hen egg eggs"),
        ("egg", "farm", "chicken poultry hen egg eggs"),
        # a farm is a pig farm only when the brief says pigs: a mushroom, dairy, alpaca or
        # christmas tree farm drew the pig
        ("pig", "farm", "pig pigs pork hog hogs swine piggery bacon ham"),
        # a machine is a robot's only beside machine learning or robots
        ("robot", "machine", "learning ai robot robots robotics automation intelligence"),
        # a fire or train station broadcasts nothing; hot stones and hot yoga are no chilli
        ("radio", "station", "radio broadcast broadcasting fm am music talk"),
        (
            "pepper",
            "hot",
            "sauce sauces chili chilli spicy food pepper peppers salsa wings curry mexican "
            "thai indian",
        ),
        # speech, art or music therapy is no massage; a court reporter plays no basketball
        *(
            (
                "massage",
                word,
                "massage body sports deep tissue physio physiotherapy physical manual spa "
                "relaxation thai swedish remedial muscle",
            )
            for word in ("therapy", "therapist")
        ),
        ("basketball", "court", "basketball netball hoop hoops streetball"),
        ("tennis-ball", "court", "tennis padel squash badminton pickleball"),
        # a massage therapist is no psychologist
        *(
            (
                "brain",
                word,
                "psychology psychological mental talk talking cognitive cbt behavioural "
                "behavioral family couples marriage speech trauma counselling counseling "
                "psychotherapy emotional child children art music play",
            )
            for word in ("therapy", "therapist")
        ),
        *(
            (("steering-wheel", word, "driving driver motoring car"))
            for word in ("school", "instructor")
        ),
        ("paw", "rescue", f"{_PET} animal animals wildlife horse"),
        ("pizza", "delivery", "pizza pizzeria food takeaway restaurant meal"),
        ("piano", "lesson", "music musical piano pianist keyboard singing instrument"),
        ("bone", "food", "pet dog puppy canine treat"),
        ("bubble-tea", "tea", "bubble boba milk milkshake tapioca taro"),  # not a chai stall
        # an olive's oil and grove, not a car's oil change or an orange grove
        ("olive", "oil", "olive extra virgin cooking culinary mediterranean"),
        ("olive", "grove", "olive"),
        # a wedding or event venue is no stadium; a wedding is a heart before it is a toast
        ("wine-glass", "wedding", "wine drink bar champagne toast reception cocktail"),
        ("stadium", "venue", "sport sports stadium arena league football soccer match concert"),
        # the third QA round: a fishing charter is no helicopter, nor "fitness coaching" a
        # board, a hardware store a microchip, storage units a database, a coffee cart a
        # shopping trolley, a ski resort a beach umbrella
        ("helicopter", "charter", "helicopter aviation flight air heli aerial"),
        ("presentation", "coaching", _BUSINESS),
        ("chip", "hardware", "computer computing tech electronics pc semiconductor it software"),
        ("cloud", "storage", _DATA),
        ("database", "storage", _DATA),
        ("shopping-cart", "cart", "shopping shop ecommerce store checkout retail grocery online"),
        ("beach", "resort", "beach sea ocean sun tropical island coast seaside surf summer"),
        # a coach is a bus only beside travel words ("life coach", "football coach" are people),
        # a course a golfer's only beside golf words ("online course")
        (
            "bus",
            "coach",
            "bus tour tours travel transport transportation charter trip trips holiday excursion "
            "hire party airport shuttle company operator",
        ),
        ("golf", "course", "golf golfer golfing putt putting mini"),
        ("golf", "green", "golf golfer golfing putt putting mini"),  # not "green cleaning"
        ("hot-dog", "dog", "hot corn"),  # a hot dog; any other dog is a dog
        ("crystal-ball", "crystal", "ball psychic tarot fortune reading"),
        # gymnastic rings beside gym words (not wedding rings); a pool of billiards beside a
        # hall or a cue (a swimming pool otherwise)
        *(
            ("gymnastic-rings", word, "gym gymnastic gymnastics fitness calisthenics workout")
            for word in ("ring", "rings")
        ),
        ("billiards", "pool", "hall billiards billiard snooker cue table bar"),
        # a health food store is no clinic
        *((icon, "health", _MEDICAL) for icon in ("medical-cross", "heartbeat")),
        (
            "shirt",
            "printing",
            "shirt tshirt tee apparel clothing merch merchandise screen garment",
        ),
        ("shirt", "print", "shirt tshirt tee apparel clothing merch merchandise screen garment"),
        # "legal aid", "hearing aid", "first class": not a first aid kit
        ("first-aid", "aid", "first medical emergency paramedic cpr safety kit"),
        # a mobile groomer or mechanic comes to you: a phone only beside words of phones
        (
            "smartphone",
            "mobile",
            "app apps phone phones smartphone cell cellphone telecom device devices ios android "
            "software developer development game games web tech technology network sim",
        ),
        ("first-aid", "first", "aid medical emergency paramedic cpr safety kit"),
        *(
            ("city", word, "property real estate urban housing land residential")
            for word in ("development", "developer")
        ),
        # a temple is a Hindu's, a Jew's (a Reform synagogue) or, by default, a Buddhist's
        ("om", "temple", "hindu hinduism mandir vedic"),
        ("star-of-david", "temple", "jewish judaism reform synagogue congregation rabbi shul"),
        (
            "crane",
            "development",
            "property real estate construction housing building land residential",
        ),
    )
)

# And the other way round: a word that names an icon's trade unless the brief shows another
# sense beside it ("food bank", "laser tag", "dog daycare", "plant nursery"): such a word does
# not count for the icon when the brief has one of the words listed for it.
EXCLUDED_TAGS: dict[tuple[str, str], frozenset[str]] = _contexts(
    (
        *(
            (icon, "bank", "food blood sperm seed river milk clothing toy")
            for icon in ("bank", "coins", "credit-card", "piggy-bank")
        ),
        ("tag", "tag", "laser"),
        # data and coins are mined with no pickaxe
        ("pickaxe", "mining", "data text web process crypto cryptocurrency bitcoin"),
        # a tennis court or a food court is no court of law
        *(
            (
                icon,
                "court",
                "tennis basketball padel squash netball badminton sport sports hoop food",
            )
            for icon in ("scale", "gavel")
        ),
        ("stadium", "arena", "lasertag paintball"),
        # windows and gutters are not vacuumed
        (
            "vacuum",
            "cleaning",
            "window windows glass gutter gutters pressure car roof solar facade facades",
        ),
        (
            "pagoda",
            "temple",
            "hindu hinduism mandir vedic jewish judaism reform synagogue congregation rabbi shul "
            "masonic greek roman sikh sikhism gurdwara jain jainism mormon lds latter christian",
        ),
        # a halal or kosher butcher sells no pork: never the pig
        *(
            ("pig", word, "halal kosher muslim islamic jewish zabiha shechita")
            for word in ("pig", "butcher", "charcuterie", "pork")
        ),
        ("trash", "junk", "food"),  # junk food is a snack, not a skip
        # a golf course is no book, a tarot reading no book either
        ("book", "course", "golf race racecourse obstacle assault"),
        *(
            (icon, "reading", "tarot palm psychic aura meter card cards crystal")
            for icon in ("book", "bookmark", "books")
        ),
        # a boxing ring is no jeweller's; vinyl flooring or vinyl wraps are no record
        ("gem", "ring", "boxing wrestling circus bell phone key onion"),
        (
            "vinyl",
            "vinyl",
            "flooring floor floors siding wrap wraps decal decals sticker stickers banner "
            "signage fence fencing window windows",
        ),
        *((icon, "pool", "hall billiards billiard snooker cue") for icon in ("swimmer", "wave")),
        # a hot dog or a corn dog is a sausage, not a pet
        *((icon, "dog", "hot corn") for icon in ("dog", "paw", "bone")),
        *((icon, "hot", "dog dogs") for icon in ("flame", "pepper")),
        ("tennis-ball", "ball", "crystal masquerade charity gala bearing bearings"),
        # olive and cream the colours ("our colours are olive and cream") are no olive sprig
        # nor ice cream
        *(
            (icon, word, "colour colours color colors khaki drab tone tones shade shades")
            for icon, word in (("olive", "olive"), ("ice-cream", "cream"))
        ),
        # iron works and wrought iron are no clothes iron; a dental crown or crown moulding no
        # king's crown
        (
            "iron",
            "iron",
            "work works ironworks steel metal forge welding welder fabrication wrought cast "
            "gate gates railing railings",
        ),
        ("crown", "crown", "dental dentist dentistry tooth teeth molding moulding"),
        # martial or culinary arts are no painter's
        *((icon, "art", "martial culinary") for icon in ("palette", "brush")),
        # computer hardware is no hardware store's hammer
        ("hammer", "hardware", "computer computing tech electronics pc semiconductor it software"),
        # "Ink & Needle", a tattoo studio: not a sewing needle
        ("needle-thread", "needle", "tattoo tattooist piercing acupuncture ink injection"),
        *((icon, "daycare", _PET) for icon in ("balloon", "kid", "rocking-horse")),
        *(
            (icon, "nursery", "plant plants garden tree trees shrub")
            for icon in ("baby-carriage", "rocking-horse")
        ),
        ("washing-machine", "washing", "pressure power window car dish"),
        *(
            (
                icon,
                "park",
                "trampoline theme water skate amusement car business safari wildlife zoo dog",
            )
            for icon in ("caravan", "tree")
        ),
        (
            "package",
            "removal",
            "tattoo hair laser stain graffiti rubbish waste junk snow bat bats mole moles pest "
            "pests wasp wasps nest nests rodent rodents rat rats mice mould mold asbestos tree "
            "stump stumps",
        ),
        ("package", "box", "crossfit boxing juice"),
        # a property developer writes no code
        *(
            (icon, word, "property real estate housing land residential")
            for icon in ("code", "terminal")
            for word in ("developer", "development")
        ),
        ("yoga", "instructor", "driving driver ski dive diving swim swimming flight flying golf"),
        (
            "hot-air-balloon",
            "flight",
            "school training pilot aviation airline plane jet simulator sim",
        ),
        # a live band or live music is no broadcast
        ("broadcast", "live", "band music gig gigs concert venue entertainment bar pub"),
        ("apple", "teacher", "yoga pilates meditation dance music"),
        ("paw", "shelter", "homeless people family women youth"),
        # a photographer's subject is no trade of its own: "baby photography" and "real estate
        # photography" are a camera first, as "wedding photography" is (the pram's "baby" names
        # the icon and "real estate" is two tags, so each outweighed the camera)
        *(
            (icon, word, "photography photographer photo photos photoshoot")
            for icon, word in (
                ("baby-carriage", "baby"),
                ("baby-bottle", "baby"),
                ("house", "real"),
            )
        ),
        # fencing the sport is no picket fence; a water park is no water bottle
        ("fence", "fencing", "club sword sport epee foil sabre olympic academy lesson lessons"),
        ("bottle", "water", "park slide slides pool swim swimming splash"),
        ("ice-skating", "rink", "roller"),
        ("roller-skating", "rink", "ice"),
        # a flame is fuel burnt: not the energy of wind, sun or water
        ("flame", "energy", "wind solar sun renewable green clean hydro sustainable"),
        *(
            (
                icon,
                "rescue",
                "animal animals pet pets dog dogs cat cats wildlife horse hound hounds greyhound "
                "greyhounds lurcher lurchers",
            )
            for icon in ("ambulance", "helicopter", "lifebuoy")
        ),
        # a wind, solar, server or fish farm grows no wheat and drives no tractor
        *(
            (
                icon,
                "farm",
                "wind solar server fish trout salmon oyster mussel shellfish aquaculture "
                "hatchery content click troll",
            )
            for icon in ("wheat", "leaf", "tractor", "garden-tools")
        ),
    )
)

CATALOGUE: tuple[tuple[str, str, str, str], ...] = (
    # --- coffee, tea and drinks -----------------------------------------------------------------
    (
        "cup",
        "outline/coffee",
        "steaming coffee cup",
        "coffee cafe espresso roastery roaster roasting barista latte cappuccino coffeehouse "
        "coffeeshop brew brewing drink",
    ),
    ("mug", "filled/mug", "coffee mug", "coffee cafe tea mug breakfast diner brew drink"),
    (
        "takeaway-cup",
        "outline/cup",
        "takeaway cup with a straw",
        "coffee takeaway smoothie juice soda drink beverage bar",
    ),
    ("teapot", "outline/teapot", "teapot", "tea teahouse teashop tearoom infusion kettle"),
    ("bubble-tea", "outline/bubble-tea", "bubble tea cup", "boba bubble tea milkshake juice"),
    (
        "beer",
        "filled/beer",
        "pint of beer",
        "beer brewery brewing brewer pub bar craft ale lager taproom brewpub tavern",
    ),
    (
        "wine-glass",
        "filled/glass-full",
        "glass of wine",
        "wine winery vineyard vintner sommelier bar drink cellar wedding",
    ),
    ("goblet", "filled/glass", "goblet", "wine bar drink cellar tasting liquor spirit"),
    (
        "bottle",
        "filled/bottle",
        "bottle",
        "bottle drink beverage winery brewery distillery water juice kombucha",
    ),
    (
        "cocktail",
        "outline/glass-cocktail",
        "cocktail glass",
        "cocktail bar lounge nightlife nightclub disco mixology drink club gin liquor spirit",
    ),
    ("barrel", "outline/barrel", "wooden barrel", "barrel whisky whiskey distillery cellar cooper"),
    (
        "tobacco",
        "outline/smoking",
        "smouldering cigarette",
        "cigar cigarette tobacco tobacconist humidor smokeshop",
    ),
    # --- bakery, food and cooking ---------------------------------------------------------------
    (
        "bread",
        "filled/bread",
        "slice of bread",
        "bakery bread baker bakehouse sourdough boulangerie toast sandwich deli bagel",
    ),
    ("baguette", "outline/baguette", "baguette", "bakery bread baker boulangerie french deli"),
    (
        "cake",
        "outline/cake",
        "layered cake with a candle",
        "bakery cake patisserie pastry birthday wedding dessert confectionery baking celebration "
        "donut doughnut",
    ),
    (
        "cookie",
        "filled/cookie",
        "chocolate chip cookie",
        "cookie bakery biscuit snack dessert baking treat donut doughnut",
    ),
    (
        "cake-roll",
        "outline/cake-roll",
        "swiss roll",
        "patisserie pastry cake dessert cinnamon roll",
    ),
    (
        "gingerbread",
        "filled/cookie-man",
        "gingerbread man",
        "gingerbread cookie bakery christmas biscuit",
    ),
    (
        "pizza",
        "filled/pizza",
        "pizza slice",
        "pizza pizzeria italian takeaway delivery slice",
    ),
    (
        "burger",
        "outline/burger",
        "burger",
        "burger hamburger fastfood diner grill takeaway snack",
    ),
    (
        "ice-cream",
        "outline/ice-cream-2",
        "ice cream cone",
        "ice cream gelato gelateria dessert frozen yogurt yoghurt froyo parlor parlour creamery",
    ),
    (
        "candy",
        "outline/candy",
        "wrapped sweet",
        "candy sweet confectionery chocolate confectioner chocolatier",
    ),
    ("lollipop", "outline/lollipop", "swirl lollipop", "lollipop candy sweet kids confectionery"),
    ("cherry", "filled/cherry", "pair of cherries", "fruit cherry orchard juice fresh"),
    (
        "apple",
        "filled/apple",
        "apple",
        "apple fruit orchard cider cidery juice teacher nutrition grocer",
    ),
    ("lemon", "filled/lemon-2", "lemon", "lemon citrus lemonade juice fruit zest"),
    ("lemon-slice", "outline/lemon", "lemon slice", "lemon citrus lemonade juice bar cocktail"),
    ("melon", "filled/melon", "melon slice", "melon watermelon fruit summer juice"),
    ("carambola", "filled/carambola", "star fruit", "starfruit carambola tropical fruit exotic"),
    (
        "carrot",
        "outline/carrot",
        "carrot",
        "vegetable veggie carrot vegan vegetarian grocery greengrocer produce juice",
    ),
    ("avocado", "outline/avocado", "avocado half", "avocado brunch vegan healthy guacamole"),
    ("pepper", "outline/pepper", "chili pepper", "chili chilli pepper spicy mexican hot sauce"),
    ("mushroom", "filled/mushroom", "mushroom", "mushroom fungi forage foraging forest truffle"),
    (
        "salad",
        "filled/salad",
        "salad bowl",
        "salad healthy vegan vegetarian bowl nutrition nutritionist diet",
    ),
    ("pottery", "filled/bowl", "ceramic bowl", "potter ceramic ceramicist clay kiln stoneware"),
    ("soup", "filled/soup", "steaming soup bowl", "soup kitchen broth comfort ramen"),
    (
        "noodle-bowl",
        "filled/bowl-chopsticks",
        "noodle bowl with chopsticks",
        "asian chinese japanese noodle ramen sushi thai vietnamese korean rice wok",
    ),
    (
        "fish",
        "outline/fish",
        "fish",
        "fish seafood fishmonger sushi aquarium aquatic pescatarian seahorse chippy trout "
        "salmon aquaculture",
    ),
    (
        "meat",
        "outline/meat",
        "cut of meat on the bone",
        "butcher meat steak steakhouse barbecue bbq charcuterie chicken wings drumstick rotisserie",
    ),
    (
        "hot-dog",
        "drawn/hot-dog",
        "hot dog in a bun with a wave of mustard",
        "hotdog dog frankfurter wiener weiner currywurst",
    ),
    (
        "sausage",
        "outline/sausage",
        "sausage",
        "sausage sausages bratwurst wurst",
    ),
    (
        "grill",
        "outline/grill",
        "barbecue grill",
        "bbq barbecue grill griller steakhouse smokehouse cookout",
    ),
    (
        "kebab",
        "drawn/kebab",
        "shish kebab on a skewer",
        "kebab kebap doner shawarma gyro souvlaki shish skewer kofta",
    ),
    (
        "olive",
        "drawn/olive",
        "olive sprig with two olives",
        "olive oil grove mediterranean tapenade",
    ),
    ("egg", "filled/egg", "egg", "egg breakfast brunch poultry hen chicken farm"),
    (
        "cheese",
        "outline/cheese",
        "wedge of cheese",
        "cheese dairy fromagerie deli creamery cheesemonger cheesemaker cheddar brie gouda "
        "parmesan",
    ),
    (
        "chef-hat",
        "filled/chef-hat",
        "chef's toque",
        "pizzeria italian chef cook cooking culinary kitchen restaurant catering cuisine bistro "
        "gastronomy",
    ),
    (
        "utensils",
        "outline/tools-kitchen-2",
        "fork and knife",
        "pizzeria restaurant dining food kitchen catering eatery bistro diner brasserie cafeteria "
        "meal",
    ),
    ("ladle", "outline/ladle", "ladle", "kitchen cooking soup chef catering"),
    ("wheat", "outline/wheat", "ear of wheat", "wheat grain bakery farm agriculture flour mill"),
    # --- tech, software and AI ------------------------------------------------------------------
    (
        "code",
        "outline/code",
        "code brackets",
        "software developer development code coding programming web app saas devops tech "
        "technology it programmer",
    ),
    (
        "terminal",
        "outline/terminal-2",
        "command-line prompt",
        "terminal cli developer devops command hosting shell software",
    ),
    (
        "chip",
        "outline/cpu",
        "microchip",
        "chip hardware semiconductor electronics computing processor computer tech",
    ),
    (
        "cloud",
        "filled/cloud",
        "cloud",
        "cloud hosting saas storage platform sky weather serverless",
    ),
    (
        "robot",
        "outline/robot",
        "friendly robot",
        "robot robotics ai automation bot machine artificial",
    ),
    (
        "chatbot",
        "filled/message-chatbot",
        "smiling chat bubble",
        "chatbot chat messaging ai assistant support conversation",
    ),
    (
        "brain",
        "outline/brain",
        "brain",
        "ai intelligence neuroscience psychology mind therapy therapist learning neural "
        "psychologist psychiatrist psychiatry psychotherapy psychotherapist counselling "
        "counseling counsellor counselor",
    ),
    (
        "rocket",
        "outline/rocket",
        "rocket",
        "startup launch space rocket growth accelerator aerospace",
    ),
    (
        "atom",
        "outline/atom",
        "atom",
        "science physics research lab chemistry quantum nuclear scientific",
    ),
    ("database", "outline/database", "database cylinder", "database data storage sql backend"),
    (
        "server",
        "outline/server-2",
        "server rack",
        "server hosting datacenter infrastructure devops backend",
    ),
    (
        "laptop",
        "outline/device-laptop",
        "laptop",
        "computer laptop repair it support tech freelance remote",
    ),
    (
        "smartphone",
        "filled/device-mobile",
        "smartphone",
        "app mobile phone smartphone telecom repair",
    ),
    ("desktop", "filled/device-desktop", "desktop monitor", "computer monitor desktop it pc"),
    (
        "bulb",
        "filled/bulb",
        "light bulb",
        "idea innovation creative consulting invention lighting electrician bright inventor",
    ),
    (
        "fingerprint",
        "outline/fingerprint",
        "fingerprint",
        "identity biometric security cybersecurity forensic verification",
    ),
    (
        "wifi",
        "outline/wifi",
        "wifi signal",
        "internet wireless connectivity telecom isp network broadband",
    ),
    (
        "satellite",
        "outline/satellite",
        "satellite",
        "satellite space telecom aerospace orbit communication",
    ),
    ("drone", "outline/drone", "quadcopter drone", "drone aerial uav survey filming"),
    ("cube", "outline/cube", "3d cube", "3d cube blockchain block modeling"),
    (
        "network",
        "filled/affiliate",
        "network of linked nodes",
        "network affiliate connection connected social platform integration",
    ),
    (
        "sitemap",
        "filled/sitemap",
        "hierarchy diagram",
        "structure organization hierarchy systems",
    ),
    ("git-branch", "outline/git-branch", "branching lines", "git version devops opensource"),
    (
        "globe",
        "outline/world",
        "globe",
        "airline global international web internet world worldwide",
    ),
    (
        "www",
        "outline/world-www",
        "globe marked www",
        "web website internet hosting domain webdesign",
    ),
    # --- finance, fintech, business -------------------------------------------------------------
    (
        "chart",
        "outline/chart-bar",
        "bar chart",
        "finance financial analytics consulting data marketing accounting investment "
        "business capital statistics fintech",
    ),
    (
        "growth-chart",
        "filled/chart-area-line",
        "rising area chart",
        "crypto finance analytics growth investment investing fintech trading wealth",
    ),
    (
        "trending-up",
        "outline/trending-up",
        "rising trend arrow",
        "growth invest investment marketing trading stock sale performance fintech",
    ),
    (
        "pie-chart",
        "filled/chart-pie",
        "pie chart",
        "analytics data accounting statistics report consulting analysis",
    ),
    ("donut-chart", "filled/chart-donut", "donut chart", "analytics data statistics dashboard"),
    (
        "coin",
        "filled/coin",
        "dollar coin",
        "money coin finance fintech payment currency saving dollar",
    ),
    (
        "coins",
        "outline/coins",
        "stack of coins",
        "crypto cryptocurrency money saving wealth finance bank coin investment",
    ),
    (
        "bitcoin",
        "filled/coin-bitcoin",
        "bitcoin coin",
        "bitcoin crypto cryptocurrency blockchain defi",
    ),
    (
        "banknote",
        "filled/cash-banknote",
        "banknote",
        "cash money payment finance payroll lending loan",
    ),
    (
        "credit-card",
        "filled/credit-card",
        "credit card",
        "payment fintech card bank checkout banking",
    ),
    (
        "wallet",
        "outline/wallet",
        "wallet",
        "crypto cryptocurrency wallet payment fintech money finance saving budget",
    ),
    (
        "bank",
        "outline/building-bank",
        "bank building with columns",
        "bank banking finance credit lending treasury financial",
    ),
    (
        "museum",
        "drawn/museum",
        "museum front with an amphora between columns",
        "museum exhibition exhibit heritage antiquity archaeology archaeological curator",
    ),
    (
        "piggy-bank",
        "outline/pig-money",
        "piggy bank",
        "saving budget finance money pocket",
    ),
    (
        "moneybag",
        "outline/moneybag",
        "money bag",
        "money wealth fund funding capital venture",
    ),
    (
        "calculator",
        "filled/calculator",
        "calculator",
        "accounting accountant bookkeeping bookkeeper tax finance audit cpa",
    ),
    (
        "receipt",
        "filled/receipt",
        "receipt",
        "invoice invoicing billing accounting bookkeeping tax expense",
    ),
    (
        "briefcase",
        "filled/briefcase",
        "briefcase",
        "business consulting consultant corporate career recruitment recruiter staffing "
        "recruiting headhunter headhunting office professional management",
    ),
    (
        "presentation",
        "filled/presentation-analytics",
        "presentation board with a chart",
        "presentation consulting training coaching workshop seminar analytics",
    ),
    (
        "podium",
        "outline/podium",
        "speaker's lectern",
        "speaker speaking conference public event lecture",
    ),
    (
        "handshake",
        "outline/heart-handshake",
        "handshake in a heart",
        "partnership partner agreement deal alliance volunteer charity trust",
    ),
    (
        "target",
        "outline/target-arrow",
        "target with an arrow",
        "target goal marketing strategy focus archery aim objective",
    ),
    ("bullseye", "outline/target", "bullseye target", "target bullseye archery dart focus goal"),
    # --- law, security, insurance ---------------------------------------------------------------
    (
        "scale",
        "outline/scale",
        "scales of justice",
        "law legal lawyer attorney justice court solicitor notary barrister litigation",
    ),
    ("jail", "outline/prison", "figure behind prison bars", "bail bondsman jail prison inmate"),
    (
        "gavel",
        "outline/gavel",
        "judge's gavel",
        "law legal court judge auction auctioneer attorney lawyer",
    ),
    (
        "contract",
        "outline/contract",
        "contract with a pen",
        "contract agreement legal paperwork notary signing",
    ),
    (
        "certificate",
        "outline/certificate",
        "certificate with a ribbon",
        "certificate certification diploma accreditation accredited training",
    ),
    ("signature", "outline/signature", "signature scrawl", "signature signing autograph notary"),
    (
        "shield",
        "filled/shield",
        "shield",
        "security secure insurance protect protection safe safety guard defense cyber trust",
    ),
    (
        "shield-check",
        "filled/shield-check",
        "shield with a check mark",
        "security cybersecurity insurance verified trust compliance protection warranty",
    ),
    (
        "shield-lock",
        "filled/shield-lock",
        "shield with a keyhole",
        "security cybersecurity privacy encryption vault protection",
    ),
    (
        "padlock",
        "filled/lock",
        "padlock",
        "lock security privacy cybersecurity encryption password locksmith escape",
    ),
    (
        "key",
        "filled/key",
        "key",
        "estate key locksmith property rental access hotel realtor letting escape",
    ),
    (
        "umbrella",
        "filled/umbrella",
        "umbrella",
        "insurance protection cover coverage rain weather",
    ),
    (
        "lifebuoy",
        "filled/lifebuoy",
        "lifebuoy",
        "support helpdesk rescue lifeguard insurance safety",
    ),
    ("cctv", "filled/device-cctv", "security camera", "cctv surveillance alarm security guard"),
    (
        "detective",
        "outline/spy",
        "detective's hat and glasses",
        "detective investigator investigation investigative sleuth spy espionage",
    ),
    ("eye", "filled/eye", "eye", "vision optician optometrist optical ophthalmology visibility"),
    (
        "binoculars",
        "filled/binoculars",
        "binoculars",
        "explore exploration birdwatching search scout discovery",
    ),
    # --- health, medical, wellness, fitness -----------------------------------------------------
    (
        "heart",
        "filled/heart",
        "heart",
        "love charity dating wedding bridal bride nonprofit health caring kind romance family "
        "cardiology valentine senior elderly eldercare",
    ),
    (
        "heartbeat",
        "outline/heartbeat",
        "heart with a pulse line",
        "health healthcare medical cardiology clinic cardiac pulse",
    ),
    (
        "pulse",
        "outline/activity-heartbeat",
        "pulse line",
        "health medical pulse cardio fitness monitoring",
    ),
    (
        "stethoscope",
        "outline/stethoscope",
        "stethoscope",
        "vet veterinary doctor medical healthcare physician medicine gp practice pediatrician "
        "pediatric pediatrics paediatric paediatrician",
    ),
    (
        "pill",
        "filled/pill",
        "capsule pill",
        "pharmacy pharmaceutical pharma medicine drug supplement vitamin chemist drugstore",
    ),
    (
        "syringe",
        "outline/vaccine",
        "syringe",
        "vaccine vaccination injection clinic nurse immunization aesthetic botox",
    ),
    (
        "first-aid",
        "outline/first-aid-kit",
        "first aid kit",
        "first aid emergency medical paramedic safety training",
    ),
    (
        "medical-cross",
        "filled/medical-cross",
        "star of life",
        "pharmacy medical hospital clinic health healthcare emergency ambulance paramedic",
    ),
    (
        "hospital",
        "outline/building-hospital",
        "hospital building",
        "hospital clinic healthcare medical infirmary",
    ),
    ("ambulance", "outline/ambulance", "ambulance", "ambulance emergency paramedic medical rescue"),
    (
        "tooth",
        "outline/dental",
        "tooth",
        "dentist dental dentistry orthodontist orthodontic orthodontics teeth tooth smile oral "
        "hygienist",
    ),
    ("ear", "outline/ear", "ear", "hearing audiology audiologist ear sound listening"),
    (
        "glasses",
        "filled/eyeglass-2",
        "pair of glasses",
        "optician optometrist eyewear glasses spectacles optical vision",
    ),
    (
        "microscope",
        "outline/microscope",
        "microscope",
        "lab laboratory research science pathology biotech biology",
    ),
    ("dna", "outline/dna", "dna helix", "dna genetics genomics biotech biology research gene"),
    (
        "flask",
        "filled/flask",
        "lab flask",
        "lab laboratory chemistry science research biotech pharma chemical",
    ),
    ("lungs", "filled/lungs", "lungs", "lungs respiratory breathing pulmonology breath"),
    (
        "barbell",
        "filled/barbell",
        "barbell",
        "gym fitness workout weightlifting strength training crossfit bodybuilding trainer",
    ),
    (
        "yoga",
        "outline/yoga",
        "figure in a yoga pose",
        "yoga pilates stretch studio asana instructor retreat",
    ),
    (
        "lotus",
        "outline/plant-2",
        "lotus flower",
        "lotus yoga meditation spa wellness mindfulness zen retreat calm holistic",
    ),
    (
        "stretching",
        "outline/stretching",
        "figure stretching",
        "fitness physiotherapy physio pilates exercise stretch workout training chiropractor "
        "chiropractic",
    ),
    (
        "runner",
        "outline/run",
        "running figure",
        "running run marathon fitness athletics jogging runner race training",
    ),
    (
        "swimmer",
        "outline/swimming",
        "swimmer in the water",
        "swim swimming pool lesson aquatic triathlon swimmer",
    ),
    (
        "bicycle",
        "filled/bike",
        "cyclist on a bicycle",
        "bike bicycle cycling cyclist courier velo",
    ),
    (
        "massage",
        "outline/massage",
        "massage",
        "massage spa therapy wellness physiotherapy masseur therapist bodywork",
    ),
    ("sauna", "drawn/sauna", "hot stones with rising steam", "sauna banya hammam bathhouse"),
    ("om", "outline/om", "om symbol", "om meditation yoga spiritual mantra hindu mandir temple"),
    (
        "yin-yang",
        "filled/yin-yang",
        "yin and yang",
        "balance harmony meditation martial taichi acupuncture holistic zen",
    ),
    (
        "wheelchair",
        "outline/wheelchair",
        "wheelchair",
        "accessibility disability mobility caregiving",
    ),
    (
        "pray",
        "outline/pray",
        "kneeling figure in prayer",
        "prayer pray faith church worship spiritual",
    ),
    # --- nature, garden, farm, eco, energy ------------------------------------------------------
    (
        "leaf",
        "outline/leaf",
        "leaf",
        "organic eco green garden plant nature vegan botanical farm herbal sustainable "
        "environment natural wellness tea",
    ),
    ("cannabis", "filled/cannabis", "cannabis leaf", "cannabis marijuana hemp cbd thc"),
    (
        "seedling",
        "filled/seedling",
        "seedling sprout",
        "growth sprout seedling nursery garden gardening organic eco startup plant grow greenhouse",
    ),
    (
        "plant",
        "outline/plant",
        "potted plant",
        "houseplant plant nursery garden interior botanical florist",
    ),
    (
        "tree",
        "outline/tree",
        "tree",
        "tree forest forestry arborist landscaping park nature arboretum oak timber",
    ),
    (
        "forest",
        "outline/trees",
        "pine and leafy trees",
        "forest wood woodland camping outdoor nature",
    ),
    (
        "pine",
        "filled/christmas-tree",
        "pine tree",
        "pine forest christmas winter evergreen cabin lodge",
    ),
    (
        "flower",
        "filled/flower",
        "flower",
        "florist flower floral garden spa beauty wedding bloom blossom "
        "rose tulip sunflower hibiscus daisy bouquet "
        "funeral memorial remembrance mortuary crematorium cremation condolence sympathy",
    ),
    ("clover", "filled/clover", "four-leaf clover", "luck lucky irish clover shamrock"),
    ("cactus", "filled/cactus", "cactus", "cactus desert succulent plant mexican southwest"),
    (
        "sun",
        "filled/sun",
        "sun",
        "solar summer sunshine sunny holiday tanning morning",
    ),
    ("sunrise", "filled/sunrise", "rising sun", "sunrise morning dawn beginning hope horizon"),
    ("moon", "filled/moon", "crescent moon", "night sleep dream bedtime astrology lunar"),
    (
        "droplet",
        "filled/droplet",
        "water droplet",
        "water plumbing plumber hydration pure skincare purifier irrigation",
    ),
    ("droplets", "filled/droplets", "three water droplets", "water rain plumbing cleaning wash"),
    (
        "mountain",
        "filled/mountain",
        "mountain peak",
        "outdoor outdoors adventure hiking climbing ski camping travel mountain trek "
        "expedition alpine",
    ),
    (
        "recycle",
        "outline/recycle",
        "recycling arrows",
        "recycling recycle waste circular sustainable eco environment reuse",
    ),
    ("wind", "outline/wind", "gusts of wind", "wind air weather ventilation breeze"),
    (
        "windmill",
        "filled/windmill",
        "windmill",
        "wind energy renewable dutch windmill",
    ),
    (
        "wind-turbine",
        "outline/building-wind-turbine",
        "wind turbine",
        "wind energy renewable turbine power green",
    ),
    (
        "solar-panel",
        "outline/solar-panel",
        "solar panel",
        "solar energy renewable panel electricity photovoltaic",
    ),
    (
        "bolt",
        "filled/bolt",
        "lightning bolt",
        "energy electric electrical electrician power fast battery charge speed",
    ),
    (
        "plug",
        "outline/plug",
        "electric plug",
        "electrician electrical electricity power utility",
    ),
    (
        "flame",
        "filled/flame",
        "flame",
        "woodfired fire gas heating hot spicy energy roastery roast bbq passion candle candlemaker",
    ),
    (
        "campfire",
        "filled/campfire",
        "campfire",
        "campfire camping camp scout outdoor bonfire campground campsite firewood firepit",
    ),
    (
        "snowflake",
        "outline/snowflake",
        "snowflake",
        "winter snow ski cold ice frozen refrigeration cooling",
    ),
    ("butterfly", "filled/butterfly", "butterfly", "butterfly transformation garden nature"),
    ("bug", "filled/bug", "beetle", "bug pest control insect exterminator entomology"),
    ("spider", "filled/spider", "spider", "spider pest halloween insect"),
    (
        "honeycomb",
        "outline/hexagons",
        "honeycomb cells",
        "honey bee beekeeping beekeeper apiary hive",
    ),
    (
        "tractor",
        "outline/tractor",
        "tractor",
        "farm farming agriculture tractor farmer machinery agricultural ranch",
    ),
    (
        "wheelbarrow",
        "filled/garden-cart",
        "wheelbarrow",
        "gardening garden landscaping landscaper yard",
    ),
    (
        "garden-tools",
        "outline/shovel-pitchforks",
        "spade and fork",
        "gardening garden landscaping allotment farm gardener lawn",
    ),
    ("trowel", "outline/trowel", "trowel", "gardening masonry plastering bricklayer"),
    ("pickaxe", "outline/pick", "pickaxe", "mining mine miner quarry quarrying prospecting"),
    ("trash", "filled/trash", "rubbish bin", "junk rubbish garbage trash dumpster bin"),
    ("fence", "filled/fence", "picket fence", "fence fencing landscaping yard gate gates railing"),
    ("pig", "filled/pig", "pig", "pig farm pork butcher charcuterie"),
    ("horse", "outline/horse", "horse", "horse equestrian equine riding stable ranch pony"),
    ("horseshoe", "outline/horseshoe", "horseshoe", "horseshoe luck ranch farrier western"),
    (
        "deer",
        "outline/deer",
        "stag's head",
        "deer stag hunting wildlife lodge taxidermy taxidermist",
    ),
    (
        "falcon",
        "drawn/falcon",
        "falcon's head in profile",
        "falcon falconry falconer hawk hawking raptor eagle kestrel",
    ),
    ("elephant", "drawn/elephant", "elephant", "elephant zoo zoological safari wildlife"),
    # --- pets -----------------------------------------------------------------------------------
    (
        "paw",
        "filled/paw",
        "paw print",
        "pet dog cat vet veterinary veterinarian animal grooming groomer puppy kitten "
        "shelter kennel rescue",
    ),
    (
        "dog",
        "outline/dog",
        "dog's head",
        "dog puppy canine grooming groomer walker kennel training pet hound greyhound lurcher",
    ),
    ("cat", "outline/cat", "cat's head", "cat kitten feline cattery pet"),
    ("bone", "filled/bone", "dog bone", "dog treat bone chew pet food"),
    # --- travel, transport, ocean ---------------------------------------------------------------
    (
        "plane",
        "outline/plane",
        "airplane",
        "travel flight airline aviation agency tourism trip holiday airport",
    ),
    (
        "compass",
        "filled/compass",
        "compass",
        "navigation travel adventure explore direction guide orienteering",
    ),
    (
        "sailboat",
        "outline/sailboat",
        "sailboat on the waves",
        "sailing sail yacht boat regatta marina nautical sailor",
    ),
    (
        "anchor",
        "outline/anchor",
        "anchor",
        "marine nautical boat sailing harbor harbour port maritime navy yacht",
    ),
    ("ship", "outline/ship", "ship on the waves", "ship cruise shipping freight ferry maritime"),
    (
        "wave",
        "outline/ripple",
        "ocean waves",
        "seafood ocean sea surf water beach marine swim pool travel boat aqua coast kayak "
        "canoe paddle rafting surfboard",
    ),
    (
        "beach",
        "outline/beach",
        "beach umbrella",
        "surf surfing beach holiday vacation resort summer seaside island",
    ),
    ("suitcase", "outline/luggage", "suitcase", "airline travel luggage baggage hotel trip"),
    (
        "map-pin",
        "filled/map-pin",
        "map pin",
        "location local place map delivery destination directory",
    ),
    ("map", "outline/map", "folded map", "map travel tour tourism guide cartography"),
    ("tent", "outline/tent", "tent", "tent camping camp outdoor glamping festival"),
    ("camper", "outline/camper", "camper van", "campervan camper rv roadtrip vanlife"),
    ("caravan", "filled/caravan", "caravan", "caravan camping holiday park trailer"),
    (
        "lighthouse",
        "outline/building-lighthouse",
        "lighthouse",
        "lighthouse coast coastal maritime beacon",
    ),
    ("castle", "outline/building-castle", "castle", "castle kingdom medieval heritage kids"),
    (
        "hot-air-balloon",
        "filled/air-balloon",
        "hot air balloon",
        "hotairballoon ballooning balloonist adventure flight",
    ),
    ("helicopter", "filled/helicopter", "helicopter", "helicopter aviation charter rescue"),
    ("bus", "filled/bus", "bus", "bus transit coach tour shuttle"),
    ("train", "filled/train", "train", "train rail railway transit"),
    (
        "car",
        "filled/car",
        "car",
        "car auto automotive dealership rental taxi driving garage mechanic",
    ),
    ("truck", "filled/truck", "truck", "trucking logistics freight haulage transport moving"),
    (
        "delivery-truck",
        "outline/truck-delivery",
        "delivery van",
        "delivery courier logistics shipping dispatch",
    ),
    (
        "package",
        "outline/package",
        "parcel box",
        "moving removal package parcel delivery shipping courier ecommerce logistics box packaging "
        "fulfillment",
    ),
    ("forklift", "outline/forklift", "forklift", "warehouse logistics forklift storage"),
    ("route", "outline/route", "route between two points", "route journey logistics navigation"),
    (
        "motorbike",
        "filled/motorbike",
        "motorcycle",
        "motorbike motorcycle biker motocross",
    ),
    ("scooter", "outline/scooter", "kick scooter", "scooter micromobility commute"),
    (
        "steering-wheel",
        "filled/steering-wheel",
        "steering wheel",
        "driving school driver automotive instructor",
    ),
    (
        "engine",
        "filled/engine",
        "car engine",
        "car auto engine mechanic automotive repair motor garage",
    ),
    ("wheel", "outline/wheel", "wheel", "car auto wheel tire tyre automotive"),
    ("fuel-pump", "filled/gas-station", "fuel pump", "fuel gas petrol"),
    ("ev-charger", "filled/charging-pile", "ev charging station", "ev electric vehicle charging"),
    # --- education and publishing ---------------------------------------------------------------
    (
        "book",
        "filled/book",
        "open book",
        "bookshop bookstore education learning library book publishing academy tutoring "
        "course university reading bookbinding bookbinder",
    ),
    (
        "books",
        "outline/books",
        "row of books",
        "library bookshop bookstore reading literature publishing",
    ),
    (
        "newspaper",
        "outline/news",
        "folded newspaper",
        "newspaper news journalism journalist gazette headline newsroom tabloid",
    ),
    ("notebook", "outline/notebook", "notebook", "notebook journal stationery notes diary"),
    (
        "graduation-cap",
        "outline/school",
        "graduation cap",
        "school education university college academy graduation student tutoring",
    ),
    (
        "pencil",
        "outline/pencil",
        "pencil",
        "writing education design drawing sketch stationery illustration",
    ),
    ("backpack", "outline/backpack", "backpack", "school student kids travel backpacking"),
    (
        "abacus",
        "outline/abacus",
        "abacus",
        "kindergarten preschool kids math maths tutoring counting arithmetic",
    ),
    (
        "language",
        "outline/language",
        "translation characters",
        "language translation translator languages linguistic interpreter",
    ),
    (
        "pen",
        "filled/ballpen",
        "ballpoint pen",
        "writing writer copywriting copywriter author signing",
    ),
    ("quote", "filled/quote", "quotation marks", "quote writing blog copywriting storytelling"),
    (
        "bookmark",
        "filled/bookmark",
        "bookmark ribbon",
        "bookshop bookstore bookmark reading library",
    ),
    ("telescope", "outline/telescope", "telescope", "astronomy telescope stargazing observatory"),
    ("planet", "outline/planet", "ringed planet", "planet space astronomy cosmos planetarium"),
    ("galaxy", "outline/galaxy", "spiral galaxy", "galaxy space cosmos universe"),
    # --- creative, media, music -----------------------------------------------------------------
    (
        "palette",
        "filled/palette",
        "artist's palette",
        "art artist painting painter design creative studio gallery colour color",
    ),
    (
        "brush",
        "outline/brush",
        "paintbrush",
        "painting painter art artist brush design illustration",
    ),
    (
        "paint-roller",
        "filled/paint",
        "paint roller",
        "painting painter decorator decorating renovation interior",
    ),
    (
        "color-swatch",
        "outline/color-swatch",
        "fan of colour swatches",
        "design interior branding colour color swatch",
    ),
    (
        "design-tools",
        "outline/tools",
        "pencil and ruler crossed",
        "design architecture architect drafting engineering",
    ),
    (
        "camera",
        "filled/camera",
        "camera",
        "photo photography photographer film studio video media cinema",
    ),
    (
        "aperture",
        "outline/aperture",
        "camera aperture",
        "photography photographer lens photo optics",
    ),
    ("photo", "filled/photo", "landscape photo", "photo photography gallery image picture"),
    ("polaroid", "filled/polaroid", "instant photo", "photo photobooth snapshot memory"),
    (
        "video",
        "filled/video",
        "video camera",
        "video film production filmmaker videography media vlog streaming",
    ),
    (
        "film",
        "outline/movie",
        "film strip",
        "film cinema movie production filmmaking festival",
    ),
    (
        "music",
        "outline/music",
        "pair of music notes",
        "music musician band audio sound record recording studio dj song jazz choir chorus "
        "orchestra opera quartet ensemble symphony philharmonic",
    ),
    (
        "microphone",
        "filled/microphone",
        "microphone",
        "podcast radio singing singer voice karaoke broadcast vocal recording",
    ),
    (
        "stage-microphone",
        "outline/microphone-2",
        "handheld microphone",
        "singer karaoke comedy standup performance vocal",
    ),
    (
        "headphones",
        "filled/headphones",
        "headphones",
        "audio sound dj music podcast studio listening",
    ),
    ("piano", "outline/piano", "piano keys", "piano pianist keyboard music lesson"),
    ("vinyl", "outline/vinyl", "vinyl record", "vinyl record label shop dj nightclub disco"),
    ("disc", "filled/disc", "compact disc", "disc cd record audio"),
    ("guitar-pick", "filled/guitar-pick", "guitar pick", "guitar band rock guitarist"),
    (
        "theater",
        "outline/masks-theater",
        "theatre masks",
        "theater theatre drama acting actor performing stage comedy",
    ),
    (
        "circus",
        "outline/building-circus",
        "circus big top",
        "circus carnival bigtop acrobat acrobatics clown funfair",
    ),
    ("wand", "outline/wand", "magic wand", "magic magician wizard illusionist conjuror"),
    ("radio", "outline/radio", "radio", "radio broadcast station fm"),
    (
        "broadcast",
        "outline/broadcast",
        "broadcast signal",
        "broadcast streaming live radio podcast",
    ),
    (
        "megaphone",
        "outline/speakerphone",
        "megaphone",
        "marketing advertising announcement pr campaign promotion",
    ),
    (
        "spark",
        "filled/flare",
        "four-point spark",
        "creative design agency ai innovation magic idea shine",
    ),
    (
        "sparkles",
        "outline/sparkles",
        "sparkles",
        "jewellery jewelry salon ai magic cleaning clean shine beauty glow glam new",
    ),
    (
        "chat",
        "filled/message",
        "speech bubble",
        "chat communication agency social talk speech messaging dialogue",
    ),
    ("mail", "filled/mail", "envelope", "mail email newsletter post postal letter"),
    ("phone", "filled/phone", "telephone handset", "phone telephone call callcenter telecom"),
    ("tv", "filled/device-tv", "television set", "tv television broadcaster broadcasting"),
    # --- home, real estate, construction, trades ------------------------------------------------
    (
        "chimney",
        "drawn/chimney",
        "house with a chimney and a sweep's brush",
        "chimney sweep sweeping flue fireplace stove",
    ),
    (
        "house",
        "filled/home",
        "house",
        "real estate home property realty housing mortgage rental realtor residential "
        "architecture builder roof roofing roofer",
    ),
    (
        "eco-house",
        "outline/home-eco",
        "house with a leaf",
        "green home sustainable eco housing energy efficient",
    ),
    (
        "safe-house",
        "outline/home-shield",
        "house with a shield",
        "home insurance security alarm protection",
    ),
    (
        "office-building",
        "outline/building",
        "office building",
        "property commercial office corporate company coworking",
    ),
    (
        "parking",
        "filled/parking-circle",
        "parking sign",
        "parking carpark valet",
    ),
    ("glazing", "outline/window", "window", "glazier glazing"),
    ("skyscraper", "outline/building-skyscraper", "skyscraper", "skyscraper city urban tower"),
    (
        "city",
        "outline/buildings",
        "city buildings",
        "city urban development developer property municipal",
    ),
    (
        "neighborhood",
        "outline/building-community",
        "house beside an apartment block",
        "estate community neighborhood neighbourhood housing association residential apartment",
    ),
    ("cottage", "outline/building-cottage", "cottage", "cottage cabin holiday rental farmhouse"),
    (
        "storefront",
        "outline/building-store",
        "storefront with an awning",
        "shop store retail local business market grocery",
    ),
    (
        "factory",
        "outline/building-factory",
        "factory",
        "factory manufacturing industrial industry production plant",
    ),
    ("signpost", "filled/sign-right", "signpost", "sign signage signmaker signwriter"),
    ("warehouse", "outline/building-warehouse", "warehouse", "warehouse storage logistics depot"),
    (
        "church",
        "outline/building-church",
        "church",
        "church faith ministry christian parish catholic chapel parochial mormon lds",
    ),
    ("cross", "filled/cross", "cross", "christian faith church ministry catholic"),
    ("mosque", "outline/building-mosque", "mosque with a dome", "mosque masjid islamic muslim"),
    (
        "pagoda",
        "drawn/pagoda",
        "three-tiered pagoda",
        "temple pagoda buddhist buddhism buddha stupa monastery zen dharma sangha vihara",
    ),
    ("torii", "outline/torii", "torii gate", "shinto shrine torii japanese"),
    (
        "headstone",
        "outline/grave-2",
        "headstone",
        "cemetery graveyard churchyard headstone gravestone tombstone memorial monument stonemason",
    ),
    (
        "candle",
        "drawn/candle",
        "lit pillar candle",
        "candle candlemaker chandler chandlery vigil funeral memorial remembrance sympathy "
        "crematorium cremation mortuary",
    ),
    (
        "star-of-david",
        "filled/jewish-star",
        "star of David",
        "synagogue judaism jewish shul judaica temple",
    ),
    (
        "crystal-ball",
        "outline/crystal-ball",
        "crystal ball",
        "psychic tarot fortune fortuneteller clairvoyant astrology horoscope crystal",
    ),
    ("stadium", "outline/building-stadium", "stadium", "stadium arena sport league venue"),
    (
        "hammer",
        "outline/hammer",
        "hammer",
        "construction builder carpentry carpenter handyman repair renovation hardware diy "
        "woodworking woodworker blacksmith",
    ),
    (
        "wrench",
        "outline/tool",
        "wrench",
        "car auto repair plumbing plumber mechanic maintenance handyman service fix",
    ),
    (
        "gear",
        "outline/settings",
        "gear",
        "engineering engineer manufacturing industrial automotive mechanic repair machine "
        "machinery tool service automation",
    ),
    ("ruler", "outline/ruler", "set square ruler", "architecture measure carpentry joinery"),
    (
        "crane",
        "outline/crane",
        "construction crane",
        "construction development building contractor site",
    ),
    (
        "excavator",
        "outline/backhoe",
        "excavator",
        "excavation earthworks digging construction demolition",
    ),
    ("bulldozer", "outline/bulldozer", "bulldozer", "earthworks demolition construction site"),
    (
        "wall",
        "outline/wall",
        "brick wall",  # laid bricks read as laid tiles or boards too
        "masonry bricklayer brick construction mason flooring floor tile tiling tiler parquet "
        "laminate hardwood",
    ),
    (
        "spray-bottle",
        "outline/spray",
        "spray bottle",
        "cleaning cleaner janitorial detailing spray",
    ),
    (
        "vacuum",
        "outline/vacuum-cleaner",
        "robot vacuum",
        "cleaning cleaner housekeeping vacuum",
    ),
    (
        "bucket-droplet",
        "outline/bucket-droplet",
        "bucket pouring water",
        "cleaning cleaner janitorial washing",
    ),
    (
        "bath",
        "filled/bath",
        "bathtub",
        "bathroom plumbing plumber bath renovation hottub jacuzzi whirlpool",
    ),
    (
        "fire-hydrant",
        "outline/fire-hydrant",
        "fire hydrant",
        "fire firefighter hydrant plumbing safety",
    ),
    ("armchair", "outline/armchair", "armchair", "furniture interior upholstery decor"),
    ("sofa", "outline/sofa", "sofa", "furniture interior sofa couch lounge home decor"),
    ("lamp", "outline/lamp", "table lamp", "lighting interior lamp decor"),
    ("bed", "filled/bed", "bed", "hotel bnb sleep mattress bedding hostel"),
    (
        "air-conditioner",
        "outline/air-conditioning",
        "air conditioner",
        "hvac cooling air conditioning heating",
    ),
    # --- retail, fashion, beauty ----------------------------------------------------------------
    (
        "shopping-bag",
        "outline/shopping-bag",
        "shopping bag",
        "shop shopping retail store boutique ecommerce commerce fashion handbag handbags bag "
        "bags purse purses marketplace",
    ),
    (
        "shopping-cart",
        "filled/shopping-cart",
        "shopping cart",
        "grocery supermarket ecommerce commerce shopping market marketplace",
    ),
    ("basket", "filled/basket", "shopping basket", "grocery market deli basket hamper"),
    ("tag", "filled/tag", "price tag", "sale retail discount price label bargain bargains"),
    ("gift", "filled/gift", "gift box", "gift present gifting shop souvenir birthday"),
    (
        "shirt",
        "filled/shirt",
        "t-shirt",
        "printing clothing apparel fashion tshirt merch merchandise print screenprinting "
        "sportswear workwear uniform uniforms clothes",
    ),
    (
        "hanger",
        "outline/hanger",
        "clothes hanger",
        "fashion boutique clothing laundry drycleaning wardrobe stylist apparel clothes gown "
        "gowns lingerie swimwear thrift consignment preloved secondhand",
    ),
    ("shoe", "outline/shoe", "sneaker", "shoe shoes footwear sneaker cobbler"),
    (
        "gem",
        "filled/diamond",
        "cut gemstone",
        "jewelry jewellery jeweler jeweller gem luxury ring engagement premium diamond",
    ),
    (
        "crown",
        "outline/crown",
        "crown",
        "jewellery jewelry jeweler royal king queen luxury premium vip princess royalty",
    ),
    (
        "perfume",
        "outline/perfume",
        "perfume bottle",
        "perfume perfumery perfumer fragrance cosmetic cosmetics beauty scent",
    ),
    ("sunglasses", "filled/sunglasses", "sunglasses", "sunglasses summer eyewear shade"),
    (
        "scissors",
        "outline/scissors",
        "scissors",
        "barbershop hairdresser barber salon tailor craft cutting haircut hair",
    ),
    ("razor", "outline/razor", "razor", "barbershop barber shave shaving"),
    (
        "needle-thread",
        "outline/needle-thread",
        "needle and thread",
        "sewing tailor tailoring alteration knitting craft textile seamstress quilting yarn "
        "embroidery",
    ),
    (
        "washing-machine",
        "outline/wash-machine",
        "washing machine",
        "laundry laundromat washing washer",
    ),
    ("iron", "filled/ironing", "clothes iron", "laundry ironing drycleaning pressing"),
    # --- sport, games, kids ---------------------------------------------------------------------
    ("football", "outline/ball-football", "football", "soccer football club sport futsal"),
    ("basketball", "outline/ball-basketball", "basketball", "basketball hoop court sport"),
    ("tennis-ball", "outline/ball-tennis", "tennis ball", "tennis padel court racket sport"),
    ("baseball", "outline/ball-baseball", "baseball", "baseball softball sport"),
    ("american-football", "outline/ball-american-football", "american football", "rugby sport"),
    ("volleyball", "outline/ball-volleyball", "volleyball", "volleyball beach sport"),
    ("swords", "outline/swords", "crossed swords", "fencing sword swordsmanship epee sabre"),
    ("ice-skating", "outline/ice-skating", "ice skate", "skating skater rink figure hockey"),
    ("roller-skating", "outline/roller-skating", "roller skate", "skating skater rink derby"),
    (
        "skateboarder",
        "outline/skateboarding",
        "skateboarder",
        "skateboard skateboarding skate skatepark",
    ),
    (
        "scuba-mask",
        "outline/scuba-mask",
        "diving mask and snorkel",
        "scuba diving diver snorkel snorkeling snorkelling",
    ),
    ("bowling", "outline/ball-bowling", "bowling ball", "bowling alley"),
    ("billiards", "outline/sport-billard", "eight ball", "billiards billiard snooker pool cue"),
    ("cricket", "outline/cricket", "cricket bat and ball", "cricket batsman bowler wicket"),
    ("golf", "filled/golf", "golf flag on the green", "golf golfer course club green"),
    (
        "trophy",
        "filled/trophy",
        "trophy",
        "award winner champion competition tournament league esport sport prize",
    ),
    ("medal", "outline/medal", "medal", "medal award champion olympic achievement"),
    ("award", "filled/award", "award ribbon", "award prize achievement excellence recognition"),
    ("laurel", "filled/laurel-wreath", "laurel wreath", "laurel victory classic heritage honor"),
    (
        "gamepad",
        "outline/device-gamepad-2",
        "game controller",
        "gaming game gamer esport videogame arcade console",
    ),
    ("chess", "filled/chess", "chess pawn", "chess strategy club board"),
    (
        "pawnbroker",
        "drawn/pawnbroker",
        "pawnbroker's three hanging balls",
        "pawn pawnbroker pawnbroking pawnshop collateral",
    ),
    (
        "glassblowing",
        "drawn/glassblowing",
        "blowpipe with a glass bulb",
        "glassblowing glassblower glassworks glassware",
    ),
    (
        "chess-knight",
        "filled/chess-knight",
        "chess knight",
        "chess strategy strategic consulting advisory",
    ),
    ("chess-rook", "filled/chess-rook", "chess rook", "chess tower fortress strategy"),
    ("dice", "filled/dice", "die", "dice boardgame tabletop casino gambling"),
    (
        "puzzle",
        "filled/puzzle",
        "puzzle piece",
        "toy puzzle game kids solution integration autism escape",
    ),
    ("cards", "filled/cards", "playing cards", "poker casino card magic"),
    ("spade", "filled/spade", "spade suit", "poker casino card"),
    (
        "karate",
        "outline/karate",
        "martial artist kicking",
        "karate martial dojo taekwondo kick judo jujitsu kickboxing mma kungfu",
    ),
    ("kayak", "outline/kayak", "kayak with a paddle", "kayak canoe paddle rafting river"),
    ("fish-hook", "outline/fish-hook", "fish hook", "seafood fishing angling angler tackle bait"),
    ("stopwatch", "outline/stopwatch", "stopwatch", "timing stopwatch speed race deadline"),
    ("helmet", "outline/helmet", "helmet", "helmet racing motorsport karting kart"),
    (
        "axe",
        "outline/axe",
        "axe",
        "axe lumberjack logging woodcutter woodcutting firewood",
    ),
    ("gymnastic-rings", "outline/rings", "gymnastic rings", "gymnastics calisthenics gym"),
    ("gymnast", "outline/gymnastics", "gymnast leaping", "gymnastics dance ballet acrobatics"),
    ("hiker", "outline/trekking", "hiker with poles", "hiking trekking trek walking trail"),
    (
        "balloon",
        "filled/balloon",
        "balloon",
        "toy kindergarten daycare party birthday kids celebration event",
    ),
    (
        "rocking-horse",
        "outline/horse-toy",
        "rocking horse",
        "kindergarten daycare preschool toy toys kids nursery childhood playroom",
    ),
    (
        "baby-carriage",
        "filled/baby-carriage",
        "pram",
        "baby infant maternity nursery parenting pediatric paediatric midwife midwifery doula",
    ),
    ("baby-bottle", "outline/baby-bottle", "baby bottle", "baby infant newborn feeding"),
    (
        "kid",
        "filled/mood-kid",
        "child's smiling face",
        "kids kid children child childcare daycare preschool kindergarten",
    ),
    ("smile", "filled/mood-happy", "smiling face", "dentist dental happy happiness smile joy fun"),
    ("confetti", "outline/confetti", "party popper", "party event celebration confetti festive"),
    ("rainbow", "outline/rainbow", "rainbow", "rainbow pride colourful hope kids"),
    ("ghost", "filled/ghost", "friendly ghost", "ghost halloween spooky haunted"),
    ("ufo", "outline/ufo", "flying saucer", "ufo alien scifi space"),
    # --- events, time, everyday -----------------------------------------------------------------
    (
        "calendar",
        "filled/calendar",
        "calendar page",
        "event planning planner scheduling booking appointment agenda",
    ),
    ("ticket", "outline/ticket", "ticket", "ticket ticketing concert cinema festival admission"),
    ("hourglass", "filled/hourglass", "hourglass", "time hourglass patience vintage"),
    ("clock", "filled/clock", "clock", "clock time watchmaker punctual hour"),
    ("watch", "filled/device-watch", "wristwatch", "watch watches smartwatch wearable"),
    ("bell", "filled/bell", "bell", "bell notification alert concierge reminder"),
    ("flag", "filled/flag", "flag", "flag mission milestone goal"),
    ("printer", "outline/printer", "printer", "printing print printer copy stationery"),
    ("pennant", "filled/pennant", "pennant", "pennant camp team club"),
    ("star", "filled/star", "star", "star award premium entertainment rating celebrity review"),
    ("user", "filled/user", "person", "individual profile personal coach"),
    (
        "people",
        "outline/users",
        "two people",
        "people team community hr recruitment recruiting group",
    ),
    ("friends", "outline/friends", "two friends", "friend friendship couple social"),
)
