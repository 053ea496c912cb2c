"""Demo drafts: one open policy document per demo consultation (fictional text, idempotent)."""
from sqlalchemy import select

from app.documents import services
from app.documents.models import Document
from app.extensions import db

KE = """# Draft National Labour Migration Policy: review text

## 1. Purpose and scope

This draft sets out how the Government, employers' and workers' organisations will govern the
recruitment and employment of Kenyan workers abroad. It applies to every private employment agency
licensed in Kenya and to every bilateral labour agreement (BLA) signed on behalf of the country.

## 2. Bilateral labour agreements

Each new bilateral labour agreement shall:

1. be negotiated with the participation of the most representative employers' and workers' organisations;
2. include a standard employment contract in a language the worker understands;
3. provide for a joint committee that meets at least once a year and publishes its conclusions;
4. guarantee access to justice and to consular assistance in the country of destination.

Agreements in force will be reviewed within two years against the checklist in Annex 1.[^bla]

## 3. Fair recruitment

Recruitment fees and related costs shall not be charged to workers or jobseekers, in line with the
*zero-fees principle* of the ILO General principles and operational guidelines for fair recruitment.

| Cost item | Paid by the worker today | Paid by the worker under this policy |
|---|---|---|
| Agency service fee | often | never |
| Medical examination | often | never |
| Visa and work permit | sometimes | never |
| Pre-departure training | sometimes | never |

Licensed agencies will be rated annually, and the ratings published on the Ministry's portal.

## 4. Protection abroad and return

- Labour attachés in the main destination countries, with a 24-hour helpline.
- A welfare fund financed by employers and the State, not by worker levies.
- Recognition of skills acquired abroad on return, through the national qualifications framework.

## 5. Monitoring

A tripartite steering committee will report every year on the indicators of this policy.

[^bla]: The review checklist is drawn from the model provisions discussed by the tripartite partners (demo text).
"""

ECOWAS = """# Draft ECOWAS framework on the portability of social security benefits

## Preamble

Migrant workers moving within the Community too often lose the pension and health rights they built
up in one Member State. This framework gives effect to the ECOWAS General Convention on Social Security
through practical arrangements between national institutions.

## Article 1: Principles

- **Equality of treatment** between nationals and workers from other Member States.
- **Aggregation** of insurance periods completed in every Member State.
- **Export of benefits**: a pension is paid wherever in the Community the beneficiary lives.
- **Single applicable legislation**: a worker is insured in one Member State at a time.

## Article 2: Benefits covered

| Branch | Covered from entry into force | Covered after review |
|---|---|---|
| Old-age, invalidity and survivors' pensions | yes | yes |
| Employment injury | yes | yes |
| Health care | partly | yes |
| Family benefits | no | to be decided |

## Article 3: Liaison and data exchange

1. Each Member State designates a liaison body within six months.
2. Liaison bodies exchange insurance records electronically, using a common format.[^format]
3. Personal data are processed only for the purpose of calculating and paying benefits.

## Article 4: Review

The Commission reports to the social partners and Member States every two years.

[^format]: The common format would be agreed by the technical committee of liaison bodies (demo text).
"""

AU = """# Draft continental guidelines on skills recognition and labour migration statistics

## Part A: Recognition of skills and qualifications

### A.1 Objectives

These guidelines help Member States recognise the skills and qualifications of migrant workers, so
that they work at the level of their competence and employers find the skills they need.

### A.2 Measures

1. Reference national qualifications frameworks to the African Continental Qualifications Framework.
2. Offer recognition of prior learning for skills acquired informally or abroad.
3. Publish, in each Member State, a single point of contact for recognition requests.
4. Involve employers' and workers' organisations in sector skills councils.

## Part B: Labour migration statistics

### B.1 Core indicators

| Indicator | Source | Frequency |
|---|---|---|
| Stock of migrant workers by sex and sector | labour force survey | yearly |
| Flows of workers leaving and returning | administrative records | quarterly |
| Recruitment costs borne by workers | dedicated survey module | every two years |

### B.2 Reporting

Member States transmit their indicators to the continental report on labour migration statistics,
using the definitions of the international conference of labour statisticians.[^icls]

## Part C: Follow-up

The social partners and Regional Economic Communities review progress at a continental dialogue
every two years.

[^icls]: Guidelines concerning statistics of international labour migration (demo reference).
"""

DRAFTS = {
    "ke": ("Draft national labour migration policy (review text)", KE),
    "ecowas": ("Draft framework on portability of social security benefits", ECOWAS),
    "au": ("Draft guidelines on skills recognition and labour migration statistics", AU),
}


def seed_documents(consultations: dict, users: dict) -> None:
    """Give each demo consultation its draft, open for comments; does nothing when it exists."""
    secretariat = users["secretariat"]
    for key, (title, body) in DRAFTS.items():
        c = consultations.get(key)
        if c is None:
            continue
        exists = db.session.scalar(select(Document.id).where(Document.consultation_id == c.id,
                                                             Document.title == title))
        if exists:
            continue
        item = next((i for i in c.agenda if "raft" in i.title or "framework" in i.title.lower()), None)
        services.create_document(secretariat, c.id, {
            "title": title, "body": body, "status": "open", "note": "First draft for consultation",
            "agenda_item_id": item.id if item else None})
    db.session.flush()
