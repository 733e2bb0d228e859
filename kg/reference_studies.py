"""Turn the checked study list ``../shared/reference/studies.tsv`` into study records.

Each row is a study or guideline whose identifiers were read on a public record (``seen_at``).
The output, ``data/studies-reference.ttl``, is generated: edit the list or this module and run
``python -m kg.reference``. What the seed page said of its studies, and directions read again
where the list has none, live in ``data/studies.ttl``, which adds to these records by IRI.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from kg.namespaces import ID, RKG

STUDY = Namespace(ID + "study/")
SOURCE = Namespace(ID + "source/")
STUDIES_FILE = "studies.tsv"
REQUIRED = (
    "key", "bears_on", "authors", "title", "venue", "year", "volume_pages", "doi", "pmid",
    "pmcid", "registration", "design", "participants", "population", "intervention",
    "comparator", "outcome", "direction", "finding", "seen_at", "note",
)

# Defined in data/sources.ttl: the list itself, cited by every record it yields.
LIST_SOURCE = SOURCE["shared-reference-studies"]

# The studies the seed page names keep the IRIs they had before the list existed, so links to
# them go on working; data/studies.ttl records what the seed said of each.
SEED_IRIS: dict[str, str] = {
    "cui-2008-cochrane-acupuncture-rls": "cochrane-2008-acupuncture-rls",
    "huang-2021-acupuncture-rls-meta-analysis":
        "annals-palliative-medicine-meta-analysis-acupuncture-rls",
    "raissi-2017-acupuncture-gabapentin-rls": "acupuncture-gabapentin-single-blind-rct",
    "rls-acupoint-injection-case-report-wiley": "acupoint-injection-case-reports",
    "tang-2024-frontiers-acupuncture-rls-petct-fmri-protocol":
        "acupuncture-rls-pet-ct-fmri-trial-protocol-2024",
    "chen-2024-acupuncture-hemodialysis-rls-rct": "hemodialysis-electroacupuncture-trials",
}

# Rows that record a search which found nothing: there is no study to import.
GAP_PREFIX = "gap-"

# The design column in the list's words -> our design class; first match wins.
DESIGNS: list[tuple[re.Pattern[str], URIRef]] = [
    (re.compile(r"^(systematic review / )?(network )?meta-analysis|^systematic review / meta"),
     RKG.MetaAnalysis),
    (re.compile(r"^systematic review"), RKG.SystematicReview),
    (re.compile(r"^guideline"), RKG.Guideline),
    (re.compile(r"^drug safety communication"), RKG.RegulatoryCommunication),
    (re.compile(r"^trial protocol"), RKG.TrialProtocol),
    (re.compile(r"non-randomi[sz]ed|^pilot controlled crossover|single-arm"), RKG.ClinicalTrial),
    (re.compile(r"rct|randomi[sz]ed"), RKG.RandomizedControlledTrial),
    (re.compile(r"^cohort|case-control"), RKG.ObservationalStudy),
    (re.compile(r"^case series"), RKG.CaseSeries),
    (re.compile(r"^case report"), RKG.CaseReport),
]

# Rows read again on their public record after the list was made: the columns given here replace
# the list's, and the note says what changed and where it was read. Add a correction here rather
# than editing the generated file.
CORRECTIONS: dict[str, dict[str, str]] = {
    "bauml-acupuncture-dyspnea-lung-cancer-feasibility": {
        "design": "single-arm pilot trial (feasibility)",
        "participants": "12",
        "comparator": "none (before/after)",
        "venue": "Integr Cancer Ther",
        "year": "2016",
        "volume_pages": "15(3):326-32",
        "pmid": "27114385",
        "registration": "NCT02094950",
        "outcome": "dyspnoea severity (0-10 numerical rating scale); fatigue; quality of life",
        "direction": "benefit",
        "finding": "In 12 people with lung cancer and breathlessness, ten weekly acupuncture "
                   "sessions were well tolerated and breathlessness scores fell from about 6.3 "
                   "to 3.6 out of 10, with no comparison group.",
        "seen_at": "https://www.pubmed.gov/27114385/ ; "
                   "https://www.smartpatients.com/trials/NCT02094950",
        "note": "Corrected on re-reading the PubMed record: a single-arm feasibility trial of 12 "
                "patients (the registry lists single group assignment), not a randomised pilot; "
                "venue, year, pages and PMID as printed there.",
    },
    "derry-2016-cochrane-pregabalin-fibromyalgia": {
        "participants": "8 studies (five randomised 3283 people to pregabalin or placebo)",
        "direction": "benefit",
        "finding": "In adults with moderate or severe fibromyalgia pain, the review found "
                   "high-quality evidence that pregabalin 300 to 600 mg a day gives a large "
                   "reduction in pain to about one person in ten, with improvements in other "
                   "symptoms, quality of life and function alongside the pain relief.",
        "seen_at": "http://47.251.13.51:8081/27684492 ; "
                   "https://cochranelibrary.com/es/cdsr/doi/10.1002/14651858.CD011790.pub2//ms ; "
                   "https://cochrane.org/zh-hans/CD011790/"
                   "SYMPT_pu-rui-ba-lin-zhi-liao-cheng-ren-xian-wei-ji-tong",
        "note": "Result read on 2026-11-29 in the review's plain-language summary on cochrane.org "
                "(Cochrane's Chinese translation; the stored English abstract pages stop before "
                "the results): bottom line and study characteristics (eight studies; five "
                "randomised 3283 people to pregabalin or placebo; two withdrawal studies). The "
                "summary does not say how the one in ten compares with placebo, so the finding "
                "does not either. PMID from the PubMed-mirror address showing this title.",
    },
    "knight-2021-cochrane-compression-stockings-varicose-veins": {
        "direction": "inconclusive",
        "finding": "In 13 studies (1021 people with varicose veins and no venous ulcer), people "
                   "judged their symptoms better while wearing stockings in the nine studies "
                   "that asked, but these judgements were not always made against a control "
                   "group and so are open to bias; in two studies against placebo stockings, "
                   "oedema fell with stockings while ankle circumference showed no clear change.",
        "seen_at": "https://sonicgame.netlify.app/host-https-pubmed.ncbi.nlm.nih.gov/34271595 ; "
                   "http://cochrane.org/CD008819/"
                   "PVD_wearing-stockings-to-provide-compression-for-the-treatment-of-varicose-"
                   "veins ; "
                   "https://www.cochrane.org/zh-hans/CD008819/"
                   "PVD_chuan-jia-ya-chang-wa-zhi-liao-jing-mai-qu-zhang",
        "note": "Result read on 2026-11-29 in the review's plain-language summary on cochrane.org "
                "(English study characteristics and first key result; Cochrane's Chinese "
                "translation for the rest of the key results; the stored abstract pages stop "
                "at the start of the results). Set to inconclusive because the symptom "
                "improvements were judged by the review itself to be open to bias and the "
                "measured signs were mixed; the review's certainty grading and conclusions were "
                "beyond the stored excerpts. Participant count also on the zh-hans abstract page.",
    },
    "huang-2021-acupuncture-rls-meta-analysis": {
        "finding": "Pooled, mostly low-quality trials: acupuncture arms had higher response rates "
                   "and IRLS scores fell by about 9.5 points from baseline (mean change -9.45, "
                   "95% CI -18.42 to -0.49).",
        "note": "Authors Huang C, Tang J-F, Sun W, Wang L-Z, Jin Y-S. DOI and PMID were NOT "
                "visible in any stored record (publisher page and PEDro excerpts show no "
                "identifiers) - left empty; volume/pages from PEDro. Authors themselves rate "
                "overall study quality low. Read again on 2026-11-30 on the PEDro record: the "
                "confidence interval of the IRLS change is as printed there; neither stored page "
                "shows a statement on heterogeneity between the pooled trials, so none is "
                "recorded. Searched again on 2026-11-30 (a second pass, with queries not tried "
                "before) for the review's own PubMed, PMC or Crossref page: the title with 'Ann "
                "Palliat Med 2021' and 'PubMed', and a PubMed-style citation line with volume, "
                "issue, pages and the journal's DOI prefix. Only the publisher page and the PEDro "
                "record came up again, with other reviews' protocols; neither prints a DOI or "
                "PMID in its excerpt, so both stay empty. The PEDro record's citation line "
                "(Annals of Palliative Medicine 2021 Oct;10(10):10495-10505) agrees with the "
                "year, venue and pages recorded.",
    },
    "deare-2013-cochrane-acupuncture-fibromyalgia": {
        "finding": "Nine mostly small trials (three electroacupuncture) with several bias "
                   "concerns: five at risk of selective reporting bias, two of attrition bias and "
                   "three of performance bias; evidence quality mostly low.",
        "seen_at": "http://47.251.13.51:8081/23728665 ; "
                   "http://onlinelibrary.wiley.com/doi/10.1002/14651858.CD007070.pub2/full"
                   "?globalMessage=0 ; "
                   "https://cochranelibrary.com/es/cdsr/doi/10.1002/14651858.CD007070.pub2/full/fr",
        "note": "Authors' conclusions were not visible in any stored excerpt, so direction is "
                "set conservatively - read the abstract before stating benefit or no benefit. "
                "IDs seen on a PubMed mirror page. Risk-of-bias counts read on 2026-11-30 in the "
                "review's French translation on the Cochrane Library (its main results: five "
                "trials at risk of selective reporting bias, two of attrition bias); the "
                "conclusions were again beyond the excerpt read.",
    },
    "choi-2022-jar-acupuncture-scoliosis-sr": {
        "finding": "Six studies suggested acupuncture, alone or added to other care, improved "
                   "Cobb angle without serious harms; the evidence was low quality for "
                   "acupuncture alone and for acupuncture combined with other treatment "
                   "(moderate when all types of scoliosis were pooled), and heterogeneity was "
                   "high for acupuncture alone.",
        "note": "Pain was only a secondary outcome. Protocol: Medicine 2020;99(50):e23238, DOI "
                "10.1097/md.0000000000023238 (seen at https://ouci.dntb.gov.ua/en/works/4NqNDav7). "
                "PMID not seen (searched again on 2026-11-30 for the title with authors, journal, "
                "year and pages and 'pubmed': the journal, KoreaScience and OUCI pages came up, no "
                "PubMed record). Read again on 2026-11-30 on the journal page (abstract): low "
                "quality of evidence for combination therapy and for monotherapy, high "
                "heterogeneity for monotherapy, and moderate quality when all scoliosis types were "
                "pooled. Searched again on 2026-11-30 for bibliographic records that might print "
                "it (library catalogues' copies of PubMed/PMC records, citation indexes, "
                "university repositories, Europe PMC: the title with 'Record/pubmed', 'PMC', 'doi' "
                "or 'europepmc', and distinctive abstract sentences): only the journal, "
                "KoreaScience and OUCI pages came up, none printing a PMID. Checked on "
                "2026-11-30 on the journal page (abstract): the finding had left out the moderate "
                "pooled rating; it now names it.",
    },
    "chan-2023-electroacupuncture-oxaliplatin-neuropathy-colorectal": {
        "finding": "Weekly electroacupuncture during oxaliplatin eased neuropathy severity during "
                   "chemotherapy and improved physical, role and social function versus sham; "
                   "vibration and light-touch tests did not differ. The authors call it "
                   "preliminary evidence for acute neuropathy; effects on chronic neuropathy "
                   "remain unclear.",
        "note": "Journal name not shown on stored pages (publication year 2023/10, copyright "
                "2022). QxMD record id 36325677 is probably the PMID but is not labelled as such - "
                "not recorded. Protocol: Trials 2020;21:58, DOI 10.1186/s13063-019-3972-5, PMID "
                "31918748, PMC6953283 (seen at https://pmc.ncbi.nlm.nih.gov/articles/PMC6953283). "
                "Results and conclusion read again on 2026-11-30 in the abstract on the QxMD page. "
                "Searched again on 2026-11-30 for bibliographic records that might print it "
                "(library catalogues' copies of PubMed/PMC records, citation indexes, university "
                "repositories, Europe PMC: the title with 'Record/pubmed', 'PMC', 'doi' or "
                "'europepmc', and distinctive abstract sentences): an abstract aggregator "
                "(greenmedinfo.com) prints 'Acupunct Med. 2022 Nov 3 ... PMID: 36325677' with this "
                "title and the authors, the same number as the QxMD record, but it is neither the "
                "record nor a library catalogue, citation index or repository, so the PMID is "
                "still not recorded; the HKBU repository excerpt stops before any identifier. "
                "Searched again on 2026-11-30 (a second pass, with queries not tried before) for "
                "the PubMed page of 36325677 (the number with the title and 'pubmed'; a "
                "PubMed-style line with the first author, 'Acupunct Med. 2023 Oct' and 'PMID'; "
                "the authors' list with the journal and year) and for the journal's own page (the "
                "publisher's address with the article's e-location as the aggregator prints it). "
                "Only the QxMD page, the HKBU repository record, an author-index page "
                "(globalauthorid.com, authors and abstract, no identifier in its excerpt) and the "
                "aggregator came up; none is the PubMed record, so the PMID is still not recorded "
                "and the venue stays empty. Year (HKBU: 2023/10) and the result sentence agree "
                "with the abstract on the QxMD page.",
    },
    "scholz-2011-cochrane-levodopa-rls": {
        "finding": "Against placebo, symptom severity fell more with levodopa in two studies "
                   "(about 1.3 points on a 0-10 scale), and periodic limb movements and sleep "
                   "improved; more people had adverse events on levodopa than on placebo; in two "
                   "trials against cabergoline or pramipexole, levodopa had smaller effects.",
        "seen_at": "https://pmc.ncbi.nlm.nih.gov/articles/PMC8889887 ; "
                   "https://download.skyscape.com/download/ota/lonestar/"
                   "B4562E59-87F6-47FA-8F09-D67E1FE536CA/ebmgid.ed18/content/HTML/p/tu48.htm",
        "note": "Benefit is short-term (trials up to ~8 weeks); AAN 2016 rates levodopa only "
                "Level C and warns of augmentation with dopaminergic agents, so an unqualified "
                "'levodopa for RLS' claim is misleading. Read again on 2026-11-30: the PMC "
                "abstract gives the symptom-severity result from two studies (mean difference "
                "-1.34 on an 11-point scale); the adverse events against placebo and the two "
                "trials against cabergoline or pramipexole were read in an EBM Guidelines "
                "evidence summary of this review (second address), the stored PMC excerpt "
                "stopping before them.",
    },
    "bernardy-2013-cochrane-cbt-fibromyalgia": {
        "finding": "CBT reduced pain slightly at end of treatment (SMD -0.29, about 0.5 points "
                   "on 0-10); only two of the 23 studies were without any risk of bias, and the "
                   "evidence was low quality.",
        "note": "PMID not seen (searched again on 2026-11-30 for the title with the authors, the "
                "review number and 'PMID': only Wiley and Cochrane Library pages came up). Risk of "
                "bias read again on 2026-11-30 in the abstract on the Wiley page: only two studies "
                "without any risk of bias; GRADE quality low. Searched again on 2026-11-30 for "
                "bibliographic records that might print it (library catalogues' copies of "
                "PubMed/PMC records, citation indexes, university repositories, Europe PMC: the "
                "title with 'Record/pubmed', 'PMC', 'doi' or 'europepmc', and distinctive abstract "
                "sentences), including a PMC copy of the review: none came up. On 2026-11-30 "
                "(a later search) its PMC copy came up: PMCID PMC6481397, printed with the "
                "review's DOI (10.1002/14651858.CD009796.pub2) on its summary-of-findings table "
                "at https://pmc.ncbi.nlm.nih.gov/articles/PMC6481397/table/CD009796-tbl-0001, "
                "which rates pain at the end of treatment low (20 studies, 1,382 people). The "
                "PMID is not on the part of the page shown.",
        "pmcid": "PMC6481397",
        "seen_at": "http://onlinelibrary.wiley.com/doi/10.1002/14651858.CD009796.pub2/full?global"
                   "Message=0 ; "
                   "https://pmc.ncbi.nlm.nih.gov/articles/PMC6481397/table/CD009796-tbl-0001",
    },
    "langhorst-2013-meditative-movement-fibromyalgia-meta-analysis": {
        "finding": "Improved sleep, fatigue, depression and HRQoL but not pain overall; in "
                   "subgroup analyses only yoga had significant effects on pain, fatigue, "
                   "depression and HRQoL at the end of treatment; no serious adverse events.",
        "note": "PMID not seen (searched again on 2026-11-30 for the title with journal and year: "
                "only the Springer pages, which print Rheumatol Int 2013;33(1):193-207 and the "
                "DOI, and copies came up). Short-term, small trials. Subgroup results read again "
                "on 2026-11-30 in the abstract on the Springer page; the authors call for "
                "high-quality studies with larger samples. Searched again on 2026-11-30 for "
                "bibliographic records that might print it (library catalogues' copies of "
                "PubMed/PMC records, citation indexes, university repositories, Europe PMC: the "
                "title with 'Record/pubmed', 'PMC', 'doi' or 'europepmc', and distinctive abstract "
                "sentences): a citation index (zhixidata.com) prints the DOI already recorded and "
                "no PMID.",
    },
    "kahale-2018-cochrane-anticoagulation-cancer-vte": {
        "note": "No enoxaparin-specific trial retrieved; evidence is for the LMWH class "
                "(dalteparin was the comparator in Caravaggio and SELECT-D). An earlier Cochrane "
                "version is titled 'Low-molecular-weight heparins are superior to vitamin K "
                "antagonists for the long term treatment of venous thromboembolism in patients "
                "with cancer' (Akl EA, BMC XML 1756-9966-27-21). Read again on 2026-11-30 on the "
                "PubMed-mirror address: the abstract there stops at its methods (objectives: "
                "LMWHs, DOACs and VKAs compared for long-term treatment; randomised trials in "
                "people with cancer and symptomatic VTE; last search 14 May 2018). No stored page "
                "found by search shows this version's results: the Cochrane Library pages found "
                "are of the 2014 version (pub4), whose results are not this record's, and no "
                "plain-language summary or translation of pub5 was found. Searched again on "
                "2026-11-30 (the authors with 'main results', the objectives with result terms, a "
                "plain-language summary of CD006650 on cochrane.org): the same PubMed-mirror "
                "abstract came up, and a Cochrane Library page at the pub5 address whose Persian "
                "abstract gives a last search date of 14 May 2021, so not the 2018 text, and whose "
                "excerpt stops before the results. Direction left empty; the review stays linked "
                "to the enoxaparin claims as bearing on them only. Searched once more on "
                "2026-11-30 with the wording of a Cochrane conclusion (LMWH compared with VKA and "
                "recurrent VTE in people with cancer) and with result terms: the same "
                "PubMed-mirror abstract, which stops before the results, and summaries of earlier "
                "versions of the review (2008-2014) came up, none of this version's results.",
    },
    "winkelman-2025-aasm-rls-systematic-review": {
        "note": "Read again on 2026-11-30 on the PubMed-mirror address: the abstract's results "
                "say only that 148 of 3,631 studies gave data suitable for analysis and that "
                "the task force summarised the certainty of evidence, benefits and harms, "
                "values and resource use; it gives no effect or certainty for any single "
                "treatment. No stored page found by search (PubMed, PMC, the journal) showed "
                "the review's per-treatment results, so the direction is left empty and the "
                "review stays linked to the RLS claims as bearing on them only. Searched again "
                "on 2026-11-30 (the citation with result terms such as IV ferric carboxymaltose, "
                "IRLS mean difference and certainty of evidence, and the PMC record): only the "
                "same PubMed-mirror abstract and other guidelines came up.",
    },
    "bidonde-2017-cochrane-aerobic-exercise-fibromyalgia": {
        "participants": "13 studies (839 participants)",
        "comparator": "control (wait list, treatment as usual, usual daily activity); other "
                      "aerobic or non-exercise interventions",
        "direction": "benefit",
        "finding": "In 13 trials (839 people, most of whom did not exercise before; most trials "
                   "enrolled only women), supervised aerobic exercise, on average two to three "
                   "times a week for six to 24 weeks, improved health-related quality of life at "
                   "the end of treatment compared with no exercise, on moderate-quality evidence.",
        "seen_at": "https://pmc.ncbi.nlm.nih.gov/articles/PMC6481524 ; "
                   "https://cochrane.org/es/CD012700/"
                   "MUSKEL_entrenamiento-con-ejercicios-aerobicos-para-pacientes-adultos-con-"
                   "fibromialgia ; "
                   "https://www.cochrane.org/de/CD012700/"
                   "MUSKEL_aerobes-training-fur-erwachsene-mit-fibromyalgie",
        "note": "Result read on 2026-11-30 in the review's plain-language summary on cochrane.org "
                "(Cochrane's Spanish and German translations: study characteristics and the "
                "first key result against no-exercise control); the stored English abstract "
                "pages (PMC, Cochrane Library and its translations) stop before the results. "
                "The excerpts read end before the results for pain, stiffness, fatigue, "
                "physical function and withdrawals and do not name the instrument used for "
                "quality of life, so the finding states only the quality-of-life result.",
    },
    # Identifiers looked for again on 2026-11-30 (PubMed, PMC, journal pages): what was found
    # is added with the address it was read at; where nothing was found, the note names the
    # searches tried.
    "greenlee-2017-sio-integrative-therapies-breast-cancer": {
        "note": "Supportive-care (symptom) indications only, not anticancer treatment. PMID not "
                "seen: searched on 2026-11-30 in the stored pages for the title with 'pubmed', the "
                "authors with 'CA Cancer J Clin 2017;67(3):194-232' and the DOI, and the "
                "abstract's opening sentence; only copies of the abstract, library and "
                "guideline-summary records and the 2014 JNCI Monographs version came up, no PubMed "
                "or PMC record. Searched again on 2026-11-30 for bibliographic records that might "
                "print it (library catalogues' copies of PubMed/PMC records, citation indexes, "
                "university repositories, Europe PMC: the title with 'Record/pubmed', 'PMC', 'doi' "
                "or 'europepmc', and distinctive abstract sentences): a repository record "
                "(anthromed.org) with this title, the authors and 2017 came up, printing no "
                "identifier in its excerpt.",
    },
    "mao-2022-sio-asco-integrative-medicine-pain-guideline": {
        "doi": "10.1200/JCO.22.01357",
        "seen_at": "https://synapse.mskcc.org/synapse/works/201796 ; "
                   "https://searchworks.staging.jioinstitute.edu.in/articles/edsair__edsair.doi.ded"
                   "up.....d5eaad9394f62ef0e90a3408e8ff9f29 "
                   "; https://ace.asco.org/guidelines/182035",
        "note": "DOI read on 2026-11-30 on ASCO's guideline page "
                "(https://ace.asco.org/guidelines/182035), which shows this title, Mao first of "
                "the listed authors and 'Published online before print September 19, 2022', and "
                "prints the DOI broken by a space ('JCO.22. 01357'); the same DOI is in the "
                "ascopubs address captured at "
                "https://staging.urlscan.io/result/f20448e7-871e-4ba9-a037-47702ca9f30d/content. "
                "PMID not seen: searched the same day for the title with 'pubmed', the first "
                "author with journal and year, and a PubMed-style citation line; no PubMed record "
                "or mirror came up. Recommendations graded intermediate evidence, moderate "
                "strength. Applies to lung and colorectal cancer pain too. Searched again on "
                "2026-11-30 for bibliographic records that might print it (library catalogues' "
                "copies of PubMed/PMC records, citation indexes, university repositories, Europe "
                "PMC: the title with 'Record/pubmed', 'PMC', 'doi' or 'europepmc', and distinctive "
                "abstract sentences): the MSK, Mayo Clinic Pure and Reviewer.ly records came up, "
                "none printing a PMID in its excerpt.",
    },
    "young-2018-select-d-rivaroxaban-cancer-vte": {
        "note": "Indication is cancer-associated VTE, not cancer. Bleeding mostly "
                "gastrointestinal, in gastro-oesophageal cancers. DOI and PMID not seen: searched "
                "on 2026-11-30 in the stored pages for the title with 'pubmed', the first author "
                "with journal, year, volume and issue, a PubMed-style citation line and the "
                "abstract's opening sentences; a DOI is given only by third-party pages (a news "
                "report and a trial-summary site), so none is recorded. ISRCTN86712308. Searched "
                "again on 2026-11-30 for bibliographic records that might print it (library "
                "catalogues' copies of PubMed/PMC records, citation indexes, university "
                "repositories, Europe PMC: the title with 'Record/pubmed', 'PMC', 'doi' or "
                "'europepmc', and distinctive abstract sentences): a Duke University repository "
                "record (https://scholars.duke.edu/publication/1647566) and a trial-summary page "
                "came up, neither excerpt printing a DOI or PMID; a DOI appears again only in news "
                "reports, so none is recorded. Searched again on 2026-11-30 (a second pass, with "
                "queries not tried before) for the DOI line of the article itself (the trial's "
                "name with the journal, volume, pages and 'DOI'): the stored copy of the "
                "article's PDF on Scribd ('VOLUME 36 - NUMBER 20 - JULY 10, 2018', 'Published at "
                "jco.org on May 10, 2018') came up, its excerpt stopping before any DOI line; a "
                "trial-summary page (pathway.md) prints the pages, but it is a third party, so "
                "neither DOI nor pages are recorded. Year, venue and results (recurrence 4% vs "
                "11%, HR 0.43; major bleeding 6% vs 4%; clinically relevant non-major bleeding "
                "13% vs 4%) agree with the Duke record's abstract.",
    },
    "key-2023-asco-vte-cancer-guideline-update": {
        "note": "Partial (signals) update of the 2019 ASCO guideline. PMID not seen: searched on "
                "2026-11-30 in the stored pages for the title with 'pubmed' and the first author "
                "with journal and year; only a copy of the article, guideline-database and news "
                "pages came up, no PubMed record. Searched again on 2026-11-30 for bibliographic "
                "records that might print it (library catalogues' copies of PubMed/PMC records, "
                "citation indexes, university repositories, Europe PMC: the title with "
                "'Record/pubmed', 'PMC', 'doi' or 'europepmc', and distinctive abstract "
                "sentences): no catalogue or index record came up, only the copy of the article "
                "and news pages.",
    },
    "camilleri-2022-acg-gastroparesis-guideline": {
        "seen_at": "http://movatter.jp/mt/?dark=on&url=https%3A%2F%2Fwww.ncbi.nlm.nih.gov%2Fpmc%2F"
                   "articles%2FPMC9373497 ; https://www.guidelinecentral.com/guideline/12990/ ; "
                   "https://pmc.ncbi.nlm.nih.gov/articles/PMC9373497/table/T1",
        "note": "DOI first seen, as ../shared/reference/studies.tsv records, in a citing "
                "article's reference list "
                "(https://ouci.dntb.gov.ua/en/works/42wDvWjl). Read again on 2026-11-30 at "
                "https://pmc.ncbi.nlm.nih.gov/articles/PMC9373497/table/T1, the guideline's "
                "Table 1 in PMC (an author manuscript), which prints 'Am J Gastroenterol. 2022 Jun "
                "3;117(8):1197-1220. doi: 10.14309/ajg.0000000000001874': DOI, volume and pages "
                "as recorded, now seen on the guideline's own PMC record. Its table gives the "
                "small-particle diet (recommendation 6) and metoclopramide over no treatment for "
                "refractory symptoms (recommendation 8) a low GRADE level of evidence and a "
                "conditional strength. The PMID was not on the part of the page shown.",
    },
    "yang-2013-bmccam-acupuncture-diabetic-gastroparesis-meta": {
        "year": "2013",
        "volume_pages": "13:311",
        "pmid": "24206922",
        "pmcid": "PMC4226258",
        "seen_at": "http://bmccomplementalternmed.biomedcentral.com/articles/10.1186/1472-6882-13-3"
                   "11 "
                   "; http://www.biomedcentral.com/1472-6882/13/311/abstract ; "
                   "https://ebusca.uv.mx/Record/pubmed-4226258/Details",
        "note": "DOI read from the BMC page address (title shown on the page). Year and volume "
                "read on 2026-11-30 on the journal's abstract page "
                "(http://www.biomedcentral.com/1472-6882/13/311/abstract: 'BMC Complementary and "
                "Alternative Medicine 2013, 13:311', published 9 November 2013, Yang M first "
                "author). PMID and PMCID read on 2026-11-30 in a library catalogue's copy of the "
                "PubMed/PMC record (Universidad Veracruzana's catalogue, "
                "https://ebusca.uv.mx/Record/pubmed-4226258/Details), which shows this title, "
                "Yang Mingxing first of the eight authors, BioMed Central 2013, and prints the "
                "PMC, PubMed and DOI addresses with these numbers; the PubMed and PMC pages "
                "themselves did not come up in search.",
    },
    "scheewe-2011-ctm-acupuncture-children-asthma-rct": {
        "note": "DOI not seen: searched on 2026-11-30 in the stored pages for the title with "
                "journal, year, volume and pages, with 'sciencedirect' and 'doi', and the "
                "abstract's opening sentence; the pages found (an abstract repository, a document "
                "site, practitioner news) show no DOI. A Danish preschool RCT (PubMed 23981368, "
                "122 children, acupuncture vs no treatment) was seen but its title was not shown - "
                "not recorded. Searched again on 2026-11-30 for bibliographic records that might "
                "print it (library catalogues' copies of PubMed/PMC records, citation indexes, "
                "university repositories, Europe PMC: the title with 'Record/pubmed', 'PMC', 'doi' "
                "or 'europepmc', and distinctive abstract sentences): an abstract database page "
                "(qigonginstitute.org) prints the citation and the PMID already recorded, and no "
                "DOI.",
    },
    "pengo-2018-traps-rivaroxaban-vs-warfarin-aps": {
        "note": "DOI and PMID not seen: searched on 2026-11-30 in the stored pages for the title "
                "with journal, year and 'pubmed', and the abstract's sentences; only the journal's "
                "pages (whose excerpts show no DOI), an institutional record and reviews came up. "
                "Direction 'benefit' refers to warfarin over rivaroxaban. NCT02157272. Searched "
                "again on 2026-11-30 for bibliographic records that might print it (library "
                "catalogues' copies of PubMed/PMC records, citation indexes, university "
                "repositories, Europe PMC: the title with 'Record/pubmed', 'PMC', 'doi' or "
                "'europepmc', and distinctive abstract sentences): the journal's pages and a Pure "
                "record came up, none printing a DOI or PMID in its excerpt. Searched again on "
                "2026-11-30 (a second pass, with queries not tried before) for a Vancouver-style "
                "citation line (the first three authors with 'Blood. 2018;132(13):1365-1371') and "
                "the title with 'doi': the journal's pages (ashpublications.net and "
                "bloodjournal.org: key points and abstract, no DOI in the excerpts) and reviews "
                "came up, no PubMed page. The results read there (terminated after 120 patients; "
                "events 11 (19%) vs 2 (3%); thromboembolic events 7 (12%) vs none) agree with the "
                "finding.",
    },
    "agnelli-2020-caravaggio-apixaban-cancer-vte": {
        "note": "'Apixaban for cancer' is misleading: it treats VTE in people with cancer; no "
                "anticancer effect. PMID not seen: searched on 2026-11-30 in the stored pages for "
                "the title with journal, year and 'PMID', and the abstract's opening sentences; "
                "only copies of the article and reviews came up, no PubMed record. Searched again "
                "on 2026-11-30 for bibliographic records that might print it (library catalogues' "
                "copies of PubMed/PMC records, citation indexes, university repositories, Europe "
                "PMC: the title with 'Record/pubmed', 'PMC', 'doi' or 'europepmc', and distinctive "
                "abstract sentences): only copies of the article, trial summaries and the protocol "
                "paper came up.",
    },
    "ng-2013-hkmj-electroacupuncture-ileus-laparoscopic-colorectal": {
        "note": "Research-fund report summary; sample size not shown. DOI/PMID not seen: searched "
                "again on 2026-11-30 for the title with journal and year; only the journal's "
                "supplement page (no identifier shown), a 2010 conference abstract of an interim "
                "analysis and the related registration came up. Related registered trial "
                "NCT03222557 (EA vs sham after laparoscopic rectal cancer surgery, Prince of Wales "
                "Hospital) seen at "
                "https://trials.co/clinical-trials-details/electroacupuncture-for-postoperative-ile"
                "us-after-laparoscopic-surgery-for-mid-and-low-rectal-cancer/NCT03222557. Searched "
                "again on 2026-11-30 for bibliographic records that might print it (library "
                "catalogues' copies of PubMed/PMC records, citation indexes, university "
                "repositories, Europe PMC: the title with 'Record/pubmed', 'PMC', 'doi' or "
                "'europepmc', and distinctive abstract sentences): nothing new came up. Searched "
                "again on 2026-11-30 (a second pass, with queries not tried before) with the "
                "report's key-message sentence on electroacupuncture as an independent predictor "
                "of shorter ileus and hospital stay, and with the first two authors and result "
                "terms (looking for a full paper of the trial): only the HKMJ supplement page "
                "came up again (Hong Kong Med J 2013;19(Suppl 9):S33-5, SSM Ng and five "
                "co-authors; its key messages agree with the finding), with other trials of "
                "acupuncture for ileus; no PubMed record.",
    },
    "lee-2001-gie-electroacupuncture-sphincter-of-oddi": {
        "note": "Mechanistic, not a clinical-outcome trial. Seed cites Jiuwei, Burong, "
                "Yanglingquan, Zusanli; the multi-point study behind that claim was not found - "
                "this study used GB34 only. DOI not seen: searched on 2026-11-30 for the title "
                "with journal, year and 'doi'; the PubMed page excerpt "
                "(https://www.ncbi.nlm.nih.gov/pubmed/11174298) shows no DOI. Earlier Korean "
                "version: Korean J Gastrointest Motil 2000;6(1):44-51 "
                "(https://koreamed.org/SearchBasic.php?RID=2305012). Searched again on 2026-11-30 "
                "for bibliographic records that might print it (library catalogues' copies of "
                "PubMed/PMC records, citation indexes, university repositories, Europe PMC: the "
                "title with 'Record/pubmed', 'PMC', 'doi' or 'europepmc', and distinctive abstract "
                "sentences): a citation index (ACNP, Bologna) shows the citation and a SICI code "
                "but no DOI.",
    },
    "scholz-2011-cochrane-dopamine-agonists-rls": {
        "note": "PMID not seen: searched again on 2026-11-30 for the title with the review number, "
                "the authors and 'PMCID'; only Cochrane Library pages, a copy of the review and an "
                "EBM summary came up. Trials mostly 1-12 weeks, so long-term augmentation (main "
                "harm) is not captured. Searched again on 2026-11-30 for bibliographic records "
                "that might print it (library catalogues' copies of PubMed/PMC records, citation "
                "indexes, university repositories, Europe PMC: the title with 'Record/pubmed', "
                "'PMC', 'doi' or 'europepmc', and distinctive abstract sentences), including a PMC "
                "copy of the review such as exists for the same authors' levodopa review: none "
                "came up, only the Cochrane pages, a plain-language summary and a copy of the "
                "review.",
    },
    "lunn-2014-cochrane-duloxetine-pain-fibromyalgia": {
        "finding": "Fibromyalgia: 60 mg a day made >=50% pain reduction at 12 weeks more likely "
                   "than placebo (RR 1.57, NNTB 8); 20 mg ineffective. Across all the review's "
                   "trials (fibromyalgia or painful neuropathy), 12.6% stopped for side effects.",
        "note": "Effect sizes taken from an EBM summary of this review. PMID not seen: searched on "
                "2026-11-30 for the title with the authors and 'PMCID PMID'; only Cochrane Library "
                "and Wiley pages and a copy of the review came up, no PubMed or PMC record. "
                "Searched again on 2026-11-30 for bibliographic records that might print it "
                "(library catalogues' copies of PubMed/PMC records, citation indexes, university "
                "repositories, Europe PMC: the title with 'Record/pubmed', 'PMC', 'doi' or "
                "'europepmc', and distinctive abstract sentences), including a PMC copy of the "
                "review: none came up. Read again on 2026-11-30 on another page of the same EBM "
                "summary (its address could not be found again on review, so it is not given): "
                "its adverse events were analysed across all "
                "the included studies (fibromyalgia or painful peripheral neuropathy), which is "
                "where the 12.6% who stopped for side effects comes from; the finding had given "
                "it under 'Fibromyalgia', and now says so.",
    },
    "wilt-2013-pharmacologic-rls-meta-analysis": {
        "finding": "Responders (IRLS at least halved) against placebo: alpha-2-delta ligands 61% "
                   "vs 37% (RR 1.66; 3 trials); dopamine agonists 61% vs 41% (RR 1.60; 7 "
                   "trials); high-strength evidence from short-term trials.",
        "note": "Read again on 2026-11-30 at https://pubmed.ncbi.nlm.nih.gov/23460396/ (the "
                "PubMed record): the review identified 29 eligible randomized trials, but the "
                "responder results were pooled from 3 trials (alpha-2-delta ligands) and 7 trials "
                "(dopamine agonists); the trial counts were added to the finding. Its conclusions "
                "rest on short-term trials in highly selected populations.",
    },
    "lettieri-2009-pneumatic-compression-rls": {
        "note": "PMID not seen: searched on 2026-11-30 for the title with journal, year and pages; "
                "the journal's pages, the PEDro record and news reports came up, no PubMed record. "
                "Searched again on 2026-11-30 for bibliographic records that might print it "
                "(library catalogues' copies of PubMed/PMC records, citation indexes, university "
                "repositories, Europe PMC: the title with 'Record/pubmed', 'PMC', 'doi' or "
                "'europepmc', and distinctive abstract sentences): only the journal, PEDro, "
                "Medscape and news pages came up.",
    },
    "may-1993-bile-acid-gallstone-dissolution-meta-analysis": {
        "note": "Claim wording is too broad: ursodiol only dissolves small radiolucent "
                "(cholesterol) stones in a functioning gallbladder, slowly and incompletely, and "
                "stones often recur. PMID not seen: searched on 2026-11-30 for the title with "
                "authors, journal, year and pages; only the Zendy and ACP Journal Club records, an "
                "abstract aggregator and an EBM summary came up. Searched again on 2026-11-30 for "
                "bibliographic records that might print it (library catalogues' copies of "
                "PubMed/PMC records, citation indexes, university repositories, Europe PMC: the "
                "title with 'Record/pubmed', 'PMC', 'doi' or 'europepmc', and distinctive abstract "
                "sentences): only the Zendy record (which prints the DOI already recorded), an "
                "abstract aggregator and an EBM summary came up.",
    },
    "trenkwalder-2008-rotigotine-rls-rct": {
        "note": "PMID read from the QxMD record address (QxMD keys records by PubMed ID); no "
                "PubMed page itself seen. DOI not seen: searched on 2026-11-30 for the title with "
                "journal, year and 'doi' and the abstract's opening sentences; the QxMD and an "
                "institutional (Pure) record show no DOI in their excerpts. NCT00136045. Searched "
                "again on 2026-11-30 for bibliographic records that might print it (library "
                "catalogues' copies of PubMed/PMC records, citation indexes, university "
                "repositories, Europe PMC: the title with 'Record/pubmed', 'PMC', 'doi' or "
                "'europepmc', and distinctive abstract sentences): the Pure record's RIS excerpt "
                "(moh-it.pure.elsevier.com) stops before any DOI line.",
    },
    "marshall-2019-magnesium-rls-systematic-review": {
        "note": "Claim is not supported: evidence inconclusive. Study breakdown seen only in a "
                "third-party summary. PMID not seen: searched on 2026-11-30 for the title with "
                "first author, journal, year and 'PMID'; only the OUCI record came up. Searched "
                "again on 2026-11-30 for bibliographic records that might print it (library "
                "catalogues' copies of PubMed/PMC records, citation indexes, university "
                "repositories, Europe PMC: the title with 'Record/pubmed', 'PMC', 'doi' or "
                "'europepmc', and distinctive abstract sentences): no record of it came up, only "
                "other magnesium reviews.",
    },
    "chae-2023-jar-acupuncture-rls-rct-review": {
        "note": "Narrative review of RCTs (no meta-analysis seen). PMID not seen: searched on "
                "2026-11-30 for the title with journal, year and pages; the journal page, "
                "KoreaScience and a library record came up, no PubMed record. Searched again on "
                "2026-11-30 for bibliographic records that might print it (library catalogues' "
                "copies of PubMed/PMC records, citation indexes, university repositories, Europe "
                "PMC: the title with 'Record/pubmed', 'PMC', 'doi' or 'europepmc', and distinctive "
                "abstract sentences): a university library catalogue record "
                "(vufind-test.katalog.k.utb.cz) shows this title, the authors and 40(4):308-318; "
                "its DOI field is cut off in the excerpt and it shows no PMID.",
    },
    "weiss-2008-scoliosis-acupuncture-pilot": {
        "note": "Outcome is deformity, not pain; randomisation of order not stated in excerpt. "
                "DOI/PMID not seen: searched on 2026-11-30 for the title with journal, year and "
                "article number, with 'doi' and 'PMCID'; only an abstract repository and "
                "practitioner pages came up, no journal, PubMed or PMC page. Searched again on "
                "2026-11-30 for bibliographic records that might print it (library catalogues' "
                "copies of PubMed/PMC records, citation indexes, university repositories, Europe "
                "PMC: the title with 'Record/pubmed', 'PMC', 'doi' or 'europepmc', and distinctive "
                "abstract sentences): an abstract database page "
                "(qigonginstitute.org/abstract-print/4150) shows this title, the authors and "
                "Scoliosis 2008 Jan 28;3:4, but its excerpt stops before any identifier. Searched "
                "again on 2026-11-30 (a second pass, with queries not tried before) for the "
                "journal's own page (the title with the publisher's journal site name, the four "
                "authors and the surface-topography system named in the abstract): only the "
                "abstract database page and a practitioner page came up, no BioMed Central, "
                "PubMed or PMC page. The abstract database page agrees with the year, venue and "
                "result recorded (24 girls; no change for the whole group; changes after real "
                "acupuncture only in the exploratory 16-35 degree subgroup).",
    },
    "li-2023-frontmed-overview-acupuncture-diabetic-gastroparesis": {
        "finding": "Appraised ten reviews of acupuncture for diabetic gastroparesis: by AMSTAR-2 "
                   "two were of low and eight of extremely low methodological quality, and of 20 "
                   "results rated with GRADE four were of moderate, ten of low and six of very low "
                   "quality; the overall verdict was beyond the excerpt read.",
        "pmid": "37583426",
        "pmcid": "PMC10424791",
        "seen_at": "https://frontiersin.org/articles/10.3389/fmed.2023.1196357/full ; "
                   "https://ouci.dntb.gov.ua/en/works/loKO3bpl ; "
                   "https://ebusca.uv.mx/Record/pubmed-10424791/Details",
        "note": "DOI read from the Frontiers page address (title on page; published 31 July 2023). "
                "AMSTAR-2 and GRADE counts read on 2026-11-30 in the abstract on the OUCI record "
                "(https://ouci.dntb.gov.ua/en/works/loKO3bpl); its re-meta-analysis results were "
                "cut off in the excerpt, so no verdict on effectiveness is recorded. PMID and "
                "PMCID read on 2026-11-30 in a library catalogue's copy of the PubMed/PMC record "
                "(Universidad Veracruzana's catalogue, "
                "https://ebusca.uv.mx/Record/pubmed-10424791/Details), which shows this title, Li "
                "Ting first of the five authors, Frontiers Media 2023, and prints the PMC, PubMed "
                "and DOI addresses with these numbers; the PubMed and PMC pages themselves did not "
                "come up in search, and the catalogue's abstract stops before the results.",
    },
    "jiang-2004-st-johns-wort-warfarin-pk": {
        "note": "Harm = loss of anticoagulant effect (thrombosis risk). PMID not seen: searched on "
                "2026-11-30 for the title with journal, year, volume, pages and 'PMCID'; only a "
                "copy of the article and summaries came up, no PubMed or PMC record. A 2006 pooled "
                "PK/PD analysis (J Clin Pharmacol 46(11):1370-8, PMID 17050802, DOI "
                "10.1177/0091270006292124) found S-warfarin clearance ratio 1.39. Searched again "
                "on 2026-11-30 for bibliographic records that might print it (library catalogues' "
                "copies of PubMed/PMC records, citation indexes, university repositories, Europe "
                "PMC: the title with 'Record/pubmed', 'PMC', 'doi' or 'europepmc', and distinctive "
                "abstract sentences): only a copy of the article and summaries came up again.",
    },
    "javaid-2024-omega3-bleeding-meta-analysis": {
        "note": "Background antiplatelet use did not modify risk; warfarin/DOAC co-use not "
                "specifically studied. PMID not seen: searched on 2026-11-30 for the title with "
                "journal and year and with the authors and 'PMCID PMID'; only DOAJ and "
                "citation-index records came up, no PubMed or PMC record. Searched again on "
                "2026-11-30 for bibliographic records that might print it (library catalogues' "
                "copies of PubMed/PMC records, citation indexes, university repositories, Europe "
                "PMC: the title with 'Record/pubmed', 'PMC', 'doi' or 'europepmc', and distinctive "
                "abstract sentences): a citation index (zhixidata.com) prints the DOI already "
                "recorded, JAHA 2024;13(10), and no PMID.",
    },
    "xi-2022-frontonc-acupuncture-lung-cancer-pro-meta": {
        "note": "Fatigue/dyspnea-specific pooled results not visible in excerpt. PMID not seen: "
                "searched on 2026-11-30 for the title with journal and year; the Frontiers page "
                "(published 2 September 2022) and the OUCI record came up, no PubMed record. "
                "Searched again on 2026-11-30 for bibliographic records that might print it "
                "(library catalogues' copies of PubMed/PMC records, citation indexes, university "
                "repositories, Europe PMC: the title with 'Record/pubmed', 'PMC', 'doi' or "
                "'europepmc', and distinctive abstract sentences): only the Frontiers and OUCI "
                "pages came up again.",
    },
    "stokes-2014-udca-weight-loss-gallstone-prevention-meta-analysis": {
        "doi": "10.1016/j.cgh.2013.11.031",
        "volume_pages": "12(7):1090-1100.e2",
        "seen_at": "https://read.qxmd.com/read/24321208/ursodeoxycholic-acid-and-diets-higher-in-fa"
                   "t-prevent-gallbladder-stones-during-weight-loss-a-meta-analysis-of-randomized-c"
                   "ontrolled-trials "
                   "; https://ru.scribd.com/document/407359031/Estudio-Expo-Gastro ; "
                   "http://47.251.13.51:8081/24321208",
        "note": "Prevention in a specific setting, not treatment of existing gallstones. PMID and "
                "DOI read on 2026-11-30 on the PubMed-mirror address "
                "(http://47.251.13.51:8081/24321208), which shows this title, 'Caroline S Stokes "
                "et al. Clin Gastroenterol Hepatol. 2014 Jul', 12(7):1090-1100.e2 and the DOI; the "
                "abstract there matches the finding.",
    },
    "ingrosso-2023-gastroparesis-drugs-network-meta-analysis": {
        "doi": "10.1053/j.gastro.2022.12.014",
        "seen_at": "https://medluna.com/article/36581089 ; "
                   "https://eprints.whiterose.ac.uk/id/eprint/195165 ; "
                   "https://katalog.lib.cas.cz/KNAV/EdsRecord/cmedm,36581089",
        "note": "Metoclopramide-specific evidence is thin (single small trial); confidence low to "
                "moderate. DOI read on 2026-11-30 in a library catalogue's copy of the MEDLINE "
                "record (the Czech Academy of Sciences library, "
                "https://katalog.lib.cas.cz/KNAV/EdsRecord/cmedm,36581089), which shows this "
                "title, Ingrosso MR first of six authors, 'Gastroenterology 2023 Apr; Vol. 164 "
                "(4), pp. 642-654' and prints the DOI; the journal's and PubMed's own pages did "
                "not come up in search.",
    },
    "liu-2015-ijp-acupuncture-children-asthma-sr": {
        "note": "DOI read from the Springer full-text page address whose text matches this review. "
                "Article number read again on 2026-11-30: the journal's own address "
                "(http://www.ijponline.net/content/41/1/48) places it as article 48 of volume 41, "
                "while the TMU Pure record prints 'Article number 155', the same number as the "
                "DOI's suffix; no page printing the journal's citation line was seen, so the "
                "article number stays unrecorded. PMID not seen (searched the same day for the "
                "title with authors, journal and year). Searched again on 2026-11-30 for "
                "bibliographic records that might print it (library catalogues' copies of "
                "PubMed/PMC records, citation indexes, university repositories, Europe PMC: the "
                "title with 'Record/pubmed', 'PMC', 'doi' or 'europepmc', and distinctive abstract "
                "sentences): the TMU Pure records came up again, printing no PMID.",
    },
    "rls-actigraph-acupuncture-2015-pilot": {
        "authors": "Pan W et al.",
        "doi": "10.1155/2015/343201",
        "pmcid": "PMC4339862",
        "comparator": "'randomized acupuncture' (as the abstract names it)",
        "finding": "Standard acupuncture, but not the randomized acupuncture it was compared with, "
                   "reduced abnormal nocturnal and early-sleep leg activity on actigraphy, with "
                   "IRLS and Epworth scores lower than at baseline at weeks 4 and 6; no side "
                   "effects were observed.",
        "seen_at": "https://new.hindawi.com/journals/ecam/2015/343201/ ; "
                   "http://heatonacupuncture.co.uk/category/restless-leg-syndrome/ ; "
                   "https://www.hindawi.com/journals/ecam/2015/343201/abs/ ; "
                   "https://www.hindawi.com/journals/ecam/2015/343201/ref/ ; "
                   "http://cendekia.unisza.edu.my/neuaxis-e/Record/pubmed-4339862/Details",
        "note": "DOI, volume and article number read on 2026-11-30 on the journal's pages "
                "(https://www.hindawi.com/journals/ecam/2015/343201/ref/ and .../abs/: this title, "
                "'Volume 2015, Article ID 343201', 'Copyright 2015 Weidong Pan et al.'); first "
                "author from the same pages. The abstract calls the comparison arm 'randomized "
                "acupuncture' without saying where its needles went, so the comparator no longer "
                "says 'non-acupoints'. PMCID read on 2026-11-30 in a library catalogue's copy of "
                "the PMC record (Universiti Sultan Zainal Abidin's catalogue, "
                "http://cendekia.unisza.edu.my/neuaxis-e/Record/pubmed-4339862/Details), which "
                "shows this title, Pan Weidong first of seven authors, Hindawi 2015, and prints "
                "the PMC address with this number; the PMC page itself did not come up in search. "
                "PMID not seen (that catalogue record prints no PubMed address). Within-group "
                "comparisons reported; between-group test not shown in excerpt.",
    },
    "winkelman-2024-aasm-rls-guideline": {
        "finding": "Good practice statement: serum iron studies (ferritin, transferrin "
                   "saturation) for every patient with clinically significant RLS. As two of its "
                   "authors summarise it on the AASM's site, the dopamine agonists (pramipexole, "
                   "ropinirole, rotigotine) and levodopa are conditionally recommended against "
                   "because of high long-term rates of augmentation. Its other graded "
                   "recommendations were not read in a first-party record.",
        "seen_at": "https://api-pubmed-ncbi.laibokeji.com/39324694 ; "
                   "https://booksci.cn/literature/142331481.htm",
        "note": "Online ahead of print 26 Sep 2024 (its print issue and pages are not entered: "
                "the copy of the PubMed record said to show them could not be found again on "
                "review). Recommendations read on 2026-11-30: the abstract, on "
                "https://api-pubmed-ncbi.laibokeji.com/39324694, only as far as its first good "
                "practice statement (iron studies); the recommendation on the dopamine agonists "
                "and levodopa (conditional, against, because of augmentation) in the guideline's "
                "authors' summary on the AASM's site "
                "(https://aasm.org/summary-of-new-clinical-practice-guideline-for-rls-and-plmd, "
                "source:aasm-2024-rls-plmd-guideline-summary), not in the guideline itself. The "
                "earlier finding (IV ferric carboxymaltose strongly supported; pramipexole and "
                "ropinirole demoted from first-line) came from a J Sleep Med 2024 letter, a third "
                "party, and is no longer stated: no first-party page read says 'first-line', and "
                "the strength for IV iron was not seen there. Dopaminergic drugs (DAs, levodopa) "
                "carry augmentation risk, so listing them as plain RLS remedies without that "
                "caveat is misleading. Read on 2026-11-30 at http://47.251.13.51:8081/39324664 "
                "(a copy of the PubMed record; abstract only): the systematic review, "
                "meta-analysis and GRADE assessment behind this guideline, Winkelman JW, "
                "Berkowski JA, DelRosso LM, et al., J Clin Sleep Med 2025;21(1):153-199, PMID "
                "39324664, PMCID PMC11701280, DOI 10.5664/jcsm.11392 (its own record: "
                "study:winkelman-2025-aasm-rls-systematic-review). The abstract says the task "
                "force summarised the certainty of evidence per treatment but states none. Its "
                "full text and tables were looked for on 2026-11-30 and not found among the "
                "stored pages (searches: the PMCID and its PMC table pages; the DOI on "
                "jcsm.aasm.org; Europe PMC; the author list; summary-of-findings and "
                "certainty-of-evidence wording for pramipexole, ropinirole, gabapentin "
                "enacarbil, IV ferric carboxymaltose and peroneal nerve stimulation): only this "
                "abstract copy and third-party summaries came up, and no rating was taken from "
                "them, so no RLS claim's level was compared with the review or changed. A curator "
                "reported another copy of this guideline's PubMed record heading it with its "
                "print issue and pages; that copy was not found again on review, so neither is "
                "entered.",
    },
    "ruiz-irastorza-2010-antimalarials-sle-systematic-review": {
        "note": "Record dated 2008-12-24 (online first); print issue/pages not seen: searched "
                "again on 2026-11-30 for the title with journal and 'volume issue pages'; the "
                "journal's early-online and DOI pages and citation records came up, and a copy of "
                "the article's PDF links its online supplement to the journal's volume 69, issue "
                "1, but no page range was seen.",
    },
    "chien-2017-plosone-acupuncture-hot-flush-breast-cancer-meta": {
        "pmid": "28829776",
        "pmcid": "PMC5568723",
        "seen_at": "https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0180918 ; "
                   "https://pmc.ncbi.nlm.nih.gov/articles/PMC5568723",
        "note": "Direction refers to hot flushes (benefit on menopause symptom scores). PMID and "
                "PMCID read on 2026-11-30 on the PMC record "
                "(https://pmc.ncbi.nlm.nih.gov/articles/PMC5568723), whose stored page now shows "
                "this title, Chien TJ first of four authors, 'PLoS ONE 2017 Aug 22;12(8):e0180918' "
                "with the DOI already recorded, and 'PMCID: PMC5568723 PMID: 28829776'; its "
                "abstract (13 RCTs, 844 patients; no significant effect on hot-flush frequency or "
                "severity, menopause symptoms improved) matches the finding. Other reviews seen: "
                "Garcia MK 2015 Cancer 121(22):3948-58, PMID 26281028, PMC4635055, DOI "
                "10.1002/cncr.29630 (8 RCTs, mixed results).",
    },
    "scholz-2021-st-johns-wort-rivaroxaban-pk": {
        "note": "PMID not recorded (the page that showed it lacked the title in the stored "
                "excerpt). NCT03796377. Searched again on 2026-11-30 for the title with the "
                "authors, journal, volume and pages and 'PMID' or 'PMC': only the Bern university "
                "repository record (BORIS, which prints the DOI already recorded and "
                "87(3):1466-1474) and a citation record came up, neither printing a PMID.",
    },
    "rls-acupoint-injection-case-report-wiley": {
        "note": "not found in stored records. Seed credits 'Wiley Online Library'; several "
                "targeted searches (acupoint injection / acuinjection / GB41 BL60 ST36 SP6 / case "
                "report) found only the later Medicine 2022 crossover RCT (PMID 36595777) that "
                "cites it. Searched again on 2026-11-30 (a second pass, with queries not tried "
                "before) with the points' pinyin names (Zulinqi, Kunlun, Zusanli, Sanyinjiao), "
                "'acupoint injection', 'case report' and 'rapid relief': only reviews, trials and "
                "a case report of another technique (Fu's subcutaneous needling, on "
                "litmetric.com) came up; no acupoint-injection case report, so it still has no "
                "identifier, venue or year.",
    },
    "allen-2014-pregabalin-vs-pramipexole-rls": {
        "note": "DOI and PMID not found in stored records. Pfizer-funded. Read again on "
                "2026-11-30 at "
                "http://www.druglib.com/abstract/al/allen-rp1_n-engl-j-med_20140000.html (a "
                "drug-information site's copy of the PubMed abstract, not the record itself): "
                "this title, the eight authors, 'N Engl J Med, 370(7):621-31', 2014, 719 "
                "participants; the excerpt stops in the results, before any identifier. Searched "
                "on 2026-11-30 for the PubMed or journal page (the title with the first author, "
                "journal, year and 'PubMed'; a PubMed-style line with the author list and 'PMID'; "
                "the authors' concluding sentence; the title with the journal's site and issue "
                "date; the title in the docs corpus): only the DrugLib copy, news summaries "
                "(HealthDay on empr.com, NEJM Journal Watch, Sleep Review), a news report of the "
                "editorial and Pfizer's registry entries came up, so DOI and PMID stay empty. "
                "Year, venue, pages and the news summaries' figures (4.5 points more IRLS "
                "improvement than placebo at 12 weeks; augmentation 2.1% vs 7.7% with pramipexole "
                "0.5 mg) agree with the record.",
    },
    "begtrup-2017-fish-oil-bleeding-systematic-review": {
        "finding": "In 52 publications (32 in healthy subjects, 20 in patients having surgery), "
                   "fish oil reduced platelet aggregation in healthy subjects, but in surgical "
                   "patients it did not increase bleeding or blood transfusions during or after "
                   "surgery; the review does not support stopping fish oil before surgery or "
                   "other invasive procedures.",
        "seen_at": "http://ugeskriftet.dk/dmj/no-impact-fish-oil-supplements-bleeding-risk-system"
                   "atic-review ; "
                   "http://www.danmedj.dk/portal/page/portal/danmedj.dk/dmj_forside/PAST_ISSUE/20"
                   "17/DMJ_2017_05/A5366",
        "note": "Identifiers not found in stored records. Not specific to anticoagulated "
                "patients. Read again on 2026-11-30 at "
                "http://www.danmedj.dk/portal/page/portal/danmedj.dk/dmj_forside/PAST_ISSUE/2017/"
                "DMJ_2017_05/A5366 (the journal's own page: title, the three authors, the "
                "abstract) and at the ugeskriftet.dk address (dated 28 April 2017): the finding "
                "now says what the abstract says, including the reduced platelet aggregation in "
                "healthy subjects that the earlier sentence ('no impact on bleeding risk') left "
                "out; the review's no-increase finding is for bleeding during or after surgery in "
                "randomised trials. The journal page's address places the article in the May 2017 "
                "issue as A5366, but no page printing its citation line was seen, so no volume or "
                "article number is recorded. Searched on 2026-11-30 for a PubMed record (the "
                "title with the first author, 'Dan Med J 2017' and 'PubMed'): only the two "
                "journal pages and third-party copies of the abstract came up, none printing a "
                "DOI or PMID.",
    },
    "fda-2019-dsc-gabapentinoids-respiratory-depression": {
        "note": "Dated 19 Dec 2019. Case counts from secondary reports of the communication. "
                "Searched on 2026-11-30 for the communication's own page by its title and date: "
                "FDA's page did not come up (its address, already recorded, is where the list "
                "read it); FDA's companion statement of the same day, 'FDA In Brief: FDA requires "
                "new warnings for gabapentinoids about risk of respiratory depression' "
                "(https://www.fda.gov/news-events/fda-brief/fda-brief-fda-requires-new-warnings-g"
                "abapentinoids-about-risk-respiratory-depression), read there, confirms the date "
                "and the new warnings about breathing problems with opioids or other central "
                "nervous system depressants and with underlying respiratory impairment or old "
                "age. A drug safety communication has no DOI or PMID. The advice to start at the "
                "lowest dose and monitor was seen again only in quotations of the communication "
                "(a nursing journal, a copy of FDA's podcast), third parties; the finding is "
                "unchanged.",
    },
    "medsafe-2018-turmeric-warfarin-monitoring-communication": {
        "note": "Regulator alert based on one case plus antiplatelet/NSAID-like mechanism; no "
                "controlled human study found in stored records. Read again on 2026-11-30 at "
                "https://medsafe.govt.nz/Safety/EWS/2018/Turmeric.asp (Medsafe's own page): a "
                "monitoring communication dated 17 April 2018 (published 30 April 2018) on a CARM "
                "case report of a patient on warfarin whose INR rose from stable to over 10 "
                "within a few weeks of starting a turmeric product; concurrent use of "
                "turmeric/curcumin products with medicines that affect bleeding 'should be "
                "avoided'; the warning does not apply to turmeric in food. Year, venue and "
                "finding agree. A regulator's communication has no DOI or PMID.",
    },
    "nice-2013-cg168-varicose-veins": {
        "note": "Claim is misleading: NICE advises against compression as treatment except when "
                "intervention is unsuitable. Compression wording seen on a clinic page quoting "
                "CG168, not on the NICE excerpt itself. Read again on 2026-11-30 at "
                "https://www.nice.org.uk/guidance/cg168/chapter/1-recommendations (NICE's own "
                "page): recommendations 1.1 and 1.2 (information, referral); the excerpt again "
                "stops before the treatment recommendations. The compression recommendation ('Do "
                "not offer compression hosiery to treat varicose veins unless interventional "
                "treatment is unsuitable') was seen again only on pages quoting the guideline "
                "(the Royal College of Physicians' summary, "
                "https://www.rcplondon.ac.uk/guidelines-policy/varicose-veins-diagnosis-and-manag"
                "ement-nice-guideline, and a clinic page); copies of the guideline's PDF on "
                "document-sharing sites print 'Issued: July 2013', agreeing with the year. A NICE "
                "guideline has no DOI or PMID. Read on 2026-11-30 on NICE's own page of the "
                "guideline's key priorities for implementation "
                "(https://www.nice.org.uk/guidance/cg168/chapter/Key-priorities-for-implementation"
                "): under non-interventional treatment, 'Do not offer compression hosiery to treat "
                "varicose veins unless interventional treatment is unsuitable', word for word as "
                "the finding gives it; the same page at "
                "https://nice.org.uk/guidance/CG168/chapter/key-priorities-for-implementation "
                "shows the interventional sequence: for people with confirmed varicose veins and "
                "truncal reflux, offer endothermal ablation first.",
        "seen_at": "https://www.nice.org.uk/guidance/cg168/chapter/1-recommendations ; "
                   "https://www.nice.org.uk/guidance/cg168/chapter/Key-priorities-for-implementation"
                   " ; https://nice.org.uk/guidance/CG168/chapter/key-priorities-for-implementation"
                   " ; https://jesse.tg/ngc-archive/summary/9975",
    },
    "olausson-2014-small-particle-diet-gastroparesis-rct": {
        "note": "DOI and PMID not found in stored records; authors not shown (a Sahlgrenska press "
                "release credits Eva Olausson). Diabetic gastroparesis only. NCT01557296. Read "
                "again on 2026-11-30 at the ResearchGate address (the article's abstract and "
                "first page, '(c) 2014 by the American College of Gastroenterology'): 56 "
                "insulin-treated patients, advice at 7 visits over 20 weeks; greater reduction of "
                "nausea/vomiting, postprandial fullness, bloating and regurgitation/heartburn, "
                "not abdominal pain; body weight and HbA1c unchanged - the finding agrees. "
                "Searched on 2026-11-30 for a PubMed or journal page (the title with the first "
                "author, journal, year and 'PubMed'; the abstract's concluding sentence with "
                "author names; a citation line with authors, volume and pages): only the "
                "ResearchGate copy, news reports (hcplive.com: 'the January 2014 edition'; the "
                "press release on innovations-report.com) and unrelated reviews came up, so "
                "authors, DOI and PMID stay empty.",
    },
    "ssrn-2020-mtrp-acupuncture-varicose-veins": {
        "note": "Preprint (SSRN abstract id 3677871); no DOI seen. Read again on 2026-11-30 at "
                "https://papers.ssrn.com/sol3/papers.cfm?abstract_id=3677871 (SSRN's own page): "
                "'Preprints with The Lancet', not peer-reviewed, '24 Pages Posted: 12 Oct 2020'; "
                "260 patients, no control group; in all patients the varicosities improved to "
                "varying degrees and symptoms were relieved - year and finding agree; the excerpt "
                "prints no DOI. A 2023 Phlebology paper of the same design (260 patients, "
                "trigger-point acupuncture, one-year follow-up) was seen only on a third-party "
                "literature page (booksci.cn); its own page did not come up in search (the title "
                "with the authors, journal and year), so it is not recorded as the published "
                "version and no identifier is taken from it.",
    },
    "vas-2016-acupunct-med-fibromyalgia-rct": {
        "note": "DOI and PMID not shown on stored pages - left empty. PEDro score 8/10. Protocol: "
                "Trials 2011;12:59, DOI 10.1186/1745-6215-12-59, PMID 21356075, PMC3055832 (seen "
                "at https://pmc.ncbi.nlm.nih.gov/articles/PMC3055832). Read again on 2026-11-30 "
                "at http://aim.bmj.com/content/34/4/257 (the journal's page: authors, methods, "
                "pain -41.0% vs -27.1% at 10 weeks, difference persisting at 12 months) - year, "
                "venue and finding agree. Searched on 2026-11-30 for a PubMed record (the title "
                "with journal, volume, pages and 'PubMed'; the first author with 'DOI' and "
                "'PMID'): the journal page, the PEDro record, a library catalogue's copy of a "
                "ProQuest record (bvbvf1.bib-bvb.de: Acupuncture in medicine 2016-08, vol. 34(4), "
                "p. 257-266; its excerpt stops before any identifier) and an author-index page "
                "came up; no DOI or PMID seen.",
    },
    "vivino-1999-pilocarpine-sjogren-rct": {
        "venue": "Arch Intern Med",
        "year": "1999",
        "volume_pages": "159(2):174-81",
        "doi": "10.1001/archinte.159.2.174",
        "pmid": "9927101",
        "seen_at": "http://ard.bmj.com/lookup/external-ref?access_num=9927101&link_type=MED&atom="
                   "%2Fannrheumdis%2F64%2F3%2F347.atom ; "
                   "https://discovery.researcher.life/article/pilocarpine-tablets-for-the-treatme"
                   "nt-of-dry-mouth-and-dry-eye-symptoms-in-patients-with-sjgren-syndromeltsubtit"
                   "legta-randomized-placebocontrolled-fixeddose-multicenter-trialltsubtitlegt/56"
                   "f29c464f8a31a5bbe65ebfcbfb2ae5 ; "
                   "https://www.aafp.org/pubs/afp/issues/1999/0701/p268.html",
        "note": "Venue, year and identifiers were not found in the first search (an AAFP 1999 "
                "summary describes it). Read on 2026-11-30 at "
                "http://ard.bmj.com/lookup/external-ref?access_num=9927101&link_type=MED&atom=%2F"
                "annrheumdis%2F64%2F3%2F347.atom, a journal's reference link to MEDLINE whose "
                "stored page is the PubMed record: this title (with 'P92-01 Study Group'), 'Arch "
                "Intern Med. 1999 Jan 25;159(2):174-81. doi: 10.1001/archinte.159.2.174.' and the "
                "abstract (373 patients; 2.5 or 5 mg four times daily or placebo for 12 weeks; "
                "more improvement with 5 mg in global assessments of dry mouth, dry eyes and "
                "other dryness; salivary flow up 2- to 3-fold; sweating the most common adverse "
                "effect; no serious drug-related adverse experiences), which agrees with the "
                "finding. Venue, year, pages and DOI as printed there; the PMID is the MEDLINE "
                "accession number in that address (the excerpt prints no 'PMID' label), as for "
                "other PubMed-mirror addresses in this list. An ISI citation record "
                "(acnpsearch.tweb-dev.unibo.it) gives the same volume, issue, pages and year.",
    },
    "wong-nct03891147-electroacupuncture-gallstones": {
        "note": "Registry record only; status 'Unknown'; meddatax.com states no results posted. "
                "Read again on 2026-11-30 at https://clinicaltrials.gov/ct2/show/NCT03891147 (the "
                "registry's own page): the official title as recorded; responsible party Wendy "
                "Wong, Chinese University of Hong Kong; first posted March 26, 2019, last update "
                "posted March 28, 2019; recruitment status Unknown; 132 participants to be "
                "randomised to 20 electroacupuncture sessions over 10 weeks or clinical "
                "observation; primary outcome total or partial gallstone clearance on "
                "ultrasonography. Year and comparator agree; no results are shown in the part "
                "read. A registry record has no DOI or PMID; searched on 2026-11-30 for a results "
                "paper (the design and outcome with the sponsor and 'results'): only copies of "
                "the registry entry came up.",
    },
}

# Studies a curator read on their public record that have no row in the list: every column of a
# row, recorded rkg:CuratorAdded (like a correction) and sourced to the journal they appeared in,
# not to the list. Add a study here rather than hand-writing a record in data/.
CURATOR_ROWS: list[dict[str, str]] = [
    {
        "key": "weinstein-2013-braist-bracing-idiopathic-scoliosis",
        "bears_on": "bracing: Scoliosis",
        "authors": "Weinstein SL et al.",
        "title": "Effects of Bracing in Adolescents With Idiopathic Scoliosis",
        "venue": "N Engl J Med",
        "year": "2013",
        "volume_pages": "369(16):1512-21",
        "doi": "10.1056/NEJMoa1307337",
        "pmid": "24047455",
        "pmcid": "",
        "registration": "",
        "design": "RCT (multicentre; randomised cohort and preference cohort; stopped early)",
        "participants": "242 (analysed: 116 randomised, 126 who chose bracing or observation)",
        "population": "Scoliosis: adolescents with idiopathic scoliosis at risk of curve "
                      "progression (typical indications for bracing by age, skeletal immaturity "
                      "and degree of curve)",
        "intervention": "brace, to be worn at least 18 hours a day (as instructed)",
        "comparator": "observation",
        "outcome": "curve progression to 50 degrees or more (failure) or skeletal maturity "
                   "without it (success)",
        "direction": "benefit",
        "finding": "Bracing lowered the progression of high-risk curves to 50 degrees or more: "
                   "treatment succeeded in 72% of braced and 48% of observed adolescents in both "
                   "cohorts together (adjusted odds ratio 1.93), and in 75% against 42% of those "
                   "randomised; more hours of brace wear went with more success.",
        "seen_at": "https://pubmed.ncbi.nlm.nih.gov/24047455/",
        "note": "Read on 2026-11-30 on its PubMed record (the abstract): the trial was stopped "
                "early owing to the efficacy of bracing; the main analysis combines the "
                "randomised and the preference cohorts. Not in the studies list; recorded here "
                "for the bracing claim, which had no study.",
    },
]

# Venues the seed page already names are its sources (data/sources.ttl), not new ones.
SEED_VENUES: dict[str, str] = {"Annals of Palliative Medicine": "annals-of-palliative-medicine"}

# A review starts at the level of what it included: trials unless the list says otherwise.
REVIEW_OF: dict[str, URIRef] = {
    "bent-2005-ginkgo-bleeding-case-review": RKG.CaseReport,
    "mannel-2004-st-johns-wort-interactions-review": RKG.ClinicalTrial,
}

DIRECTIONS = {
    "benefit": RKG.Benefit,
    "no clear difference": RKG.NoClearDifference,
    "harm": RKG.Harm,
    "inconclusive": RKG.Inconclusive,
    "not reported": RKG.NoResultsYet,
    "": RKG.ResultNotSeen,  # the list says so: read the record again before stating one
}

_PEOPLE = re.compile(r"(\d[\d,]*)\s*(?:patients|participants)")
_AFTER_SEMICOLON = re.compile(r";\s*(\d[\d,]*)$")
_LEADING = re.compile(r"^(\d[\d,]*)(?:\s*\(|$)")


class StudyListError(ValueError):
    """The study list is malformed; the message names the file and line."""


def study_iri(key: str) -> URIRef:
    """The IRI of the record made from the row with this key."""
    return STUDY[SEED_IRIS.get(key, key)]


def participants(text: str) -> int | None:
    """The number of people the row says took part, when it says one plainly."""
    if "planned" in text:
        return None
    for pattern in (_PEOPLE, _AFTER_SEMICOLON, _LEADING):
        match = pattern.search(text)
        if match:
            return int(match.group(1).replace(",", ""))
    return None


def design_class(design: str) -> URIRef | None:
    lowered = design.lower()
    for pattern, cls in DESIGNS:
        if pattern.search(lowered):
            return cls
    return None


def _year(text: str) -> str | None:
    match = re.match(r"^(\d{4})", text)
    return match.group(1) if match else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _venue(row: dict[str, str]) -> URIRef:
    if row["venue"] in SEED_VENUES:
        return SOURCE[SEED_VENUES[row["venue"]]]
    return SOURCE["venue-" + _slug(row["venue"])]


def _citation(row: dict[str, str]) -> str:
    parts = [row["authors"], row["title"].rstrip(".") + ".", row["venue"]]
    tail = " ".join(p for p in (row["year"], row["volume_pages"]) if p)
    text = " ".join(p for p in parts if p)
    return f"{text} {tail}".strip() + "."


def add_studies(graph: Graph, rows: Iterable[tuple[int, dict[str, str]]], path: Path) -> Graph:
    """Add one rkg:Study per row of the list (gaps skipped) and the venues they appeared in."""
    for line, row in rows:
        row = {**row, **CORRECTIONS.get(row["key"], {})}
        key = row["key"]
        if not key:
            raise StudyListError(f"{path}:{line}: the key is required")
        if key.startswith(GAP_PREFIX):
            continue
        if not row["title"] and key not in SEED_IRIS:
            # Seen only as a secondary summary, with no title, venue or identifier: nothing a
            # reader could check, so no record (the seed's own reports are kept in studies.ttl).
            continue
        cls = design_class(row["design"])
        if cls is None:
            raise StudyListError(f"{path}:{line}: unknown design {row['design']!r} for {key}")
        direction = row["direction"]
        if direction not in DIRECTIONS:
            raise StudyListError(f"{path}:{line}: unknown direction {direction!r} for {key}")
        _add_study(graph, row, cls, curator_added=key in CORRECTIONS,
                   venue_in_list="venue" not in CORRECTIONS.get(key, {}))
    return graph


def add_curator_studies(graph: Graph) -> Graph:
    """Add the studies of CURATOR_ROWS, which no row of the list holds."""
    where = f"{__name__}.CURATOR_ROWS"
    for row in CURATOR_ROWS:
        key = row["key"]
        cls = design_class(row["design"])
        if cls is None or row["direction"] not in DIRECTIONS:
            raise StudyListError(f"{where}: unknown design or direction for {key}")
        if (study_iri(key), RDF.type, None) in graph:
            raise StudyListError(f"{where}: {key} is already a row of the list")
        if (_venue(row), RDF.type, RKG.Source) not in graph:
            # A venue made here would be labelled as coming from the list.
            raise StudyListError(f"{where}: {key} names a venue the list does not hold")
        _add_study(graph, row, cls, curator_added=True)
    return graph


def _add_venue_origin(graph: Graph, venue: URIRef, row: dict[str, str], in_list: bool) -> None:
    """A venue the list names comes from the list; one only a curator's correction names
    (the list had none for that row) comes from the corrected study, whose record was read
    (its rkg:seenAt and note say where)."""
    if in_list or (venue, RKG.curationStatus, RKG.FromReference) in graph:
        graph.remove((venue, DCTERMS.source, None))
        graph.set((venue, RKG.curationStatus, RKG.FromReference))
        graph.add((venue, DCTERMS.source, LIST_SOURCE))
        return
    graph.set((venue, RKG.curationStatus, RKG.CuratorAdded))
    graph.add((venue, DCTERMS.source, study_iri(row["key"])))


def _add_study(graph: Graph, row: dict[str, str], cls: URIRef, *, curator_added: bool,
               venue_in_list: bool = True) -> None:
    study = study_iri(row["key"])
    en = lambda text: Literal(text, lang="en")  # noqa: E731
    graph.add((study, RDF.type, cls))
    year = _year(row["year"])
    if row["title"]:
        title = row["title"].rstrip(".")
        graph.add((study, RDFS.label, en(title + (f" ({year})" if year else ""))))
        graph.add((study, DCTERMS.title, en(title)))
        graph.add((study, DCTERMS.bibliographicCitation, en(_citation(row))))
    if row["authors"]:
        graph.add((study, RKG.authors, Literal(row["authors"])))
    if year:
        graph.add((study, RKG.year, Literal(year, datatype=XSD.gYear)))
    if row["volume_pages"]:
        graph.add((study, RKG.volumePages, Literal(row["volume_pages"])))
    if row["venue"] in SEED_VENUES:
        graph.add((study, RKG.publishedIn, _venue(row)))
    elif row["venue"]:
        venue = _venue(row)
        graph.add((study, RKG.publishedIn, venue))
        graph.add((venue, RDF.type, RKG.Source))
        graph.add((venue, RDFS.label, en(row["venue"])))
        _add_venue_origin(graph, venue, row, venue_in_list)
    graph.add((study, RKG.designNote, en(row["design"])))
    if cls in (RKG.SystematicReview, RKG.MetaAnalysis):
        graph.add((study, RKG.reviewOf, REVIEW_OF.get(row["key"], RKG.RandomizedControlledTrial)))
    graph.add((study, RKG.direction, DIRECTIONS[row["direction"]]))
    for column, prop in (("doi", RKG.doi), ("pmid", RKG.pmid), ("pmcid", RKG.pmcid),
                         ("registration", RKG.registration)):
        if row[column]:
            graph.add((study, prop, Literal(row[column])))
    count = participants(row["participants"])
    if count is not None:
        graph.add((study, RKG.participants, Literal(count, datatype=XSD.integer)))
    for column, prop in (("participants", RKG.participantsNote),
                         ("population", RKG.populationNote),
                         ("intervention", RKG.interventionNote),
                         ("comparator", RKG.comparator), ("outcome", RKG.outcomeNote),
                         ("finding", RKG.finding), ("note", RKG.curationNote)):
        if row[column]:
            graph.add((study, prop, en(row[column])))
    for address in re.split(r"\s*;\s*", row["seen_at"]):
        if address.startswith(("http://", "https://")):
            graph.add((study, RKG.seenAt, URIRef(address)))
    # A corrected or curator-read row is a curator's reading of the record, awaiting review;
    # one the list does not hold cites the journal it appeared in, not the list.
    graph.add((study, RKG.curationStatus, RKG.CuratorAdded if curator_added else RKG.FromReference))
    in_list = not curator_added or row["key"] in CORRECTIONS
    graph.add((study, DCTERMS.source, LIST_SOURCE if in_list else _venue(row)))
