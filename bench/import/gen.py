#!/usr/bin/env python3
"""bench/import/gen.py N OUT: a CSV of N realistic contacts as a spreadsheet
or CRM export gives them (the generic header; names with accents, US
phones typed several ways, addresses, birthdays, tags, some notes with
commas and newlines), about 1 in 50 rows a duplicate of an earlier one
(same email, other case) so matching and merging are part of the work.
Deterministic (seeded)."""
import random
import sys

n, out = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(7)
FIRST = ["James", "Mary", "José", "Zoë", "Liam", "Olivia", "Noah", "Emma", "Renée", "Ana",
         "Mohammed", "Priya", "Chen", "Sofía", "Lucas", "Ava", "Ethan", "Mia", "Jörg", "Aoife"]
LAST = ["Smith", "Johnson", "Núñez", "O'Brien", "Williams", "Brown", "García", "Miller",
        "Davis", "Łukasiewicz", "Wilson", "Anderson", "Thomas", "Moore", "Martin", "Lee",
        "Nguyễn", "Patel", "Kowalski", "Dubois"]
CITIES = [("Montclair", "NJ", "07042"), ("Austin", "TX", "78701"), ("Denver", "CO", "80202"),
          ("Portland", "OR", "97201"), ("Chicago", "IL", "60601"), ("Miami", "FL", "33101")]
TAGS = ["buyer", "seller", "sphere", "past client", "open house", "investor", "referral"]


def q(s):
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s


with open(out, "w", encoding="utf-8", newline="") as f:
    f.write("\ufeffFirst Name,Last Name,Email,Phone,Street,City,State,Zip,Birthday,Tags,Notes\r\n")
    emails = []
    for i in range(n):
        if emails and rnd.random() < 0.02:
            fn, ln, em = rnd.choice(emails)
            em = em.upper()
        else:
            fn, ln = rnd.choice(FIRST), rnd.choice(LAST)
            em = f"{fn.lower()}.{i}@example.com".replace("é", "e").replace("ë", "e").replace("í", "i").replace("ö", "o")
            emails.append((fn, ln, em))
        a, b = rnd.randint(201, 989), rnd.randint(2000, 9999)
        phone = rnd.choice([f"({a}) 555-{b}", f"{a}.555.{b}", f"+1 {a} 555 {b}", f"{a}555{b}"])
        city, st, zp = rnd.choice(CITIES)
        bday = f"{rnd.randint(1,12)}/{rnd.randint(1,28)}/{rnd.randint(1950,2000)}" if rnd.random() < 0.4 else ""
        tags = ", ".join(rnd.sample(TAGS, rnd.randint(0, 2)))
        notes = rnd.choice(["", "", "Met at the open house, wants a yard",
                            'Prefers "text" first\nthen email'])
        row = [fn, ln, em, phone, f"{rnd.randint(1, 999)} Elm St", city, st, zp, bday, tags, notes]
        f.write(",".join(q(x) for x in row) + "\r\n")
