/*
 * genomes.vcf._screen: the record screen of genomes/vcf/screen.py, compiled.
 *
 * Same decisions, same counts, on the bytes of whole VCF data lines: a record is
 * dropped only when it is certain that retention drops it (see RecordScreen in
 * genomes/vcf/screen.py, which is the reference and the fallback); every other line
 * is returned unchanged for cyvcf2. Where this code is unsure of anything the
 * Python screen would still decide (a number written as "inf", an unknown
 * consequence term, more samples than MAX_SAMPLES), it leaves the line to
 * cyvcf2, which is always correct, only slower. tests/genomes/vcf/test_screen.py
 * checks rows and statistics against the reader for both screens.
 *
 * Why C: at ~5 million records per genome the Python screen costs 18 us a
 * record, more than cyvcf2's own parse; this costs well under 1 us.
 */
#define _GNU_SOURCE   /* memmem */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#define MAX_SAMPLES 6          /* genotype patterns are counted in a dense table of 3 * 5^n * 3 */
#define CONTIG_CACHE 1024
#define TERM_TABLE 512         /* open addressing; ~60 known consequence terms */
#define MENDELIAN_MIN_GQ 20
#define IDENTITY_MIN_GQ 20     /* genomes/vcf/statistics.IDENTITY_MIN_GQ */
#define N_TYPES 5              /* snv, mnv, ins, del, indel */

typedef struct {
    char *name;
    Py_ssize_t name_len;
    long long length;
    int region;                /* 0 autosome, 1 X, 2 Y/MT; -1 not a primary contig */
    int identity_region;       /* sample identity QC outside the PARs: 0 autosome, 1 X, 2 Y; -1 not counted */
    long long par1_end, par2_start;   /* X and Y: positions up to / from these pair like autosomes */
} Contig;

typedef struct {
    const char *term;          /* borrowed from the bytes objects in terms_keep */
    Py_ssize_t len;
    int rank;
} Term;

typedef struct {
    PyObject_HEAD
    int field_count, n_samples, has_trio;
    int columns[MAX_SAMPLES];       /* VCF field index of each case sample */
    int trio[3];                    /* positions among the case samples: proband, father, mother */
    double threshold;               /* retention threshold with the float32 margin applied */
    char *needles[4];               /* "KEY=" of popmax, AF, ClinVar, CSQ; NULL when not configured */
    Py_ssize_t needle_lens[4];
    int max_af_index, consequence_index, n_ranks;
    PyObject *contig_info;          /* callable(bytes) -> (length, region, identity region, PAR1 end, PAR2 start)
                                       or None */
    Contig contigs[CONTIG_CACHE];
    int n_contigs, last_contig;
    Term terms[TERM_TABLE];
    PyObject *terms_keep;
    char *format;                   /* the last FORMAT column seen, and its GT / GQ positions */
    Py_ssize_t format_len;
    int gt_index, gq_index;
    const char **field_starts;
    Py_ssize_t *field_lens;
    long long lines, dropped, transitions, transversions;
    long long by_type[N_TYPES];
    long long *by_consequence;      /* n_ranks + 2: the ranks, then "none", then "unannotated" */
    long long *patterns;            /* region x genotype codes x Mendelian state */
    Py_ssize_t n_patterns;
    long long *identity;            /* identity region x genotype codes (GQ-filtered), biallelic PASS SNVs */
    Py_ssize_t n_identity;
} Screen;

enum { NEEDLE_POPMAX, NEEDLE_AF, NEEDLE_CLINVAR, NEEDLE_CSQ };
enum { NUMBER_MISSING, NUMBER_VALUE, NUMBER_UNSURE };

static uint32_t hash_bytes(const char *s, Py_ssize_t n) {
    uint32_t h = 2166136261u;
    for (Py_ssize_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static int term_rank(Screen *self, const char *s, Py_ssize_t n) {
    uint32_t slot = hash_bytes(s, n) & (TERM_TABLE - 1);
    while (self->terms[slot].term != NULL) {
        Term *t = &self->terms[slot];
        if (t->len == n && memcmp(t->term, s, n) == 0) return t->rank;
        slot = (slot + 1) & (TERM_TABLE - 1);
    }
    return -1;
}

static const char *find_byte(const char *s, const char *end, char c) {
    const char *p = memchr(s, c, end - s);
    return p ? p : end;
}

/* The value of KEY in an INFO column: the first "KEY=" at its start or after a ';', as genomes.vcf.screen._info_value. */
static int info_value(const char *info, Py_ssize_t info_len, const char *needle, Py_ssize_t needle_len,
                      const char **value, Py_ssize_t *value_len) {
    const char *p = info, *end = info + info_len;
    while (end - p >= needle_len) {
        const char *hit = memmem(p, end - p, needle, needle_len);
        if (hit == NULL) return 0;
        if (hit == info || hit[-1] == ';') {
            const char *start = hit + needle_len;
            const char *stop = find_byte(start, end, ';');
            *value = start;
            *value_len = stop - start;
            return 1;
        }
        p = hit + 1;
    }
    return 0;
}

/* A frequency as genomes.vcf.screen._number: missing for absent/"."/"", unsure for anything not a plain decimal. */
static int parse_number(const char *s, Py_ssize_t n, double *out) {
    char buffer[64];
    if (s == NULL || n == 0 || (n == 1 && s[0] == '.')) return NUMBER_MISSING;
    if (n >= (Py_ssize_t)sizeof(buffer)) return NUMBER_UNSURE;
    for (Py_ssize_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+'))
            return NUMBER_UNSURE;   /* also "," (several values): the reader's per-allele logic decides */
    }
    memcpy(buffer, s, n);
    buffer[n] = '\0';
    char *stop;
    double value = strtod(buffer, &stop);
    if (stop != buffer + n) return NUMBER_UNSURE;
    *out = value;
    return NUMBER_VALUE;
}

static int is_bases(const char *s, Py_ssize_t n) {
    if (n == 0) return 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        char c = s[i];
        if (c != 'A' && c != 'C' && c != 'G' && c != 'T' && c != 'N') return 0;
    }
    return 1;
}

/* The n-th ':'-separated part of a sample column; 0 when the column has fewer parts. */
static int sample_part(const char *s, Py_ssize_t len, int n, const char **part, Py_ssize_t *part_len) {
    const char *p = s, *end = s + len;
    for (int i = 0; i < n; i++) {
        const char *colon = memchr(p, ':', end - p);
        if (colon == NULL) return 0;
        p = colon + 1;
    }
    *part = p;
    *part_len = find_byte(p, end, ':') - p;
    return 1;
}

/* GT text -> genotype code (-1 missing, 0 hom-ref, 1 het, 2 hom-alt) as genomes.vcf.screen.GENOTYPE_CODES; -2 unsure. */
static int genotype_code(const char *s, Py_ssize_t n) {
    if (n == 1) {
        return s[0] == '0' ? 0 : s[0] == '1' ? 2 : s[0] == '.' ? -1 : -2;
    }
    if (n == 3 && (s[1] == '/' || s[1] == '|')) {
        char a = s[0], b = s[2];
        if (a == '0' && b == '0') return 0;
        if ((a == '0' && b == '1') || (a == '1' && b == '0')) return 1;
        if (a == '1' && b == '1') return 2;
        if (a == '.' && b == '.') return -1;
    }
    return -2;
}

/* genomes.vcf_reader._MENDELIAN: 1 consistent, 0 an error, -1 not informative (a missing call, or all hom-ref). */
static int mendelian(int child, int father, int mother) {
    if (child < 0 || father < 0 || mother < 0 || (child == 0 && father == 0 && mother == 0)) return -1;
    static const int low[3] = {0, 0, 1}, high[3] = {0, 1, 1};   /* ALT copies a parent can pass on */
    int need = child;                                          /* codes 0, 1, 2 are the ALT copies */
    for (int f = low[father]; f <= high[father]; f++)
        for (int m = low[mother]; m <= high[mother]; m++)
            if (f + m == need) return 1;
    return 0;
}

static Contig *contig_lookup(Screen *self, const char *name, Py_ssize_t len) {
    if (self->last_contig >= 0) {
        Contig *c = &self->contigs[self->last_contig];
        if (c->name_len == len && memcmp(c->name, name, len) == 0) return c;
    }
    for (int i = 0; i < self->n_contigs; i++) {
        Contig *c = &self->contigs[i];
        if (c->name_len == len && memcmp(c->name, name, len) == 0) {
            self->last_contig = i;
            return c;
        }
    }
    if (self->n_contigs >= CONTIG_CACHE) return NULL;
    PyObject *key = PyBytes_FromStringAndSize(name, len);
    if (key == NULL) return NULL;
    PyObject *answer = PyObject_CallOneArg(self->contig_info, key);
    Py_DECREF(key);
    if (answer == NULL) return NULL;
    long long length = 0, par1_end = 0, par2_start = 0;
    int region = -1, identity_region = -1;
    if (answer != Py_None) {
        if (!PyArg_ParseTuple(answer, "LiiLL", &length, &region, &identity_region, &par1_end, &par2_start)) {
            Py_DECREF(answer);
            return NULL;
        }
    }
    Py_DECREF(answer);
    Contig *c = &self->contigs[self->n_contigs];
    c->name = PyMem_Malloc(len ? len : 1);
    if (c->name == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(c->name, name, len);
    c->name_len = len;
    c->length = length;
    c->region = region;
    c->identity_region = identity_region;
    c->par1_end = par1_end;
    c->par2_start = par2_start;
    self->last_contig = self->n_contigs++;
    return c;
}

static int format_layout(Screen *self, const char *s, Py_ssize_t n) {
    if (self->format != NULL && self->format_len == n && memcmp(self->format, s, n) == 0) return 0;
    char *copy = PyMem_Realloc(self->format, n ? n : 1);
    if (copy == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(copy, s, n);
    self->format = copy;
    self->format_len = n;
    self->gt_index = self->gq_index = -1;
    const char *p = s, *end = s + n;
    for (int i = 0; p <= end; i++) {
        const char *stop = find_byte(p, end, ':');
        Py_ssize_t k = stop - p;
        if (k == 2 && p[0] == 'G' && p[1] == 'T' && self->gt_index < 0) self->gt_index = i;
        if (k == 2 && p[0] == 'G' && p[1] == 'Q' && self->gq_index < 0) self->gq_index = i;
        p = stop + 1;
    }
    return 0;
}

/* 1: dropped and counted; 0: left to cyvcf2; -1: a Python error. */
static int screen_line(Screen *self, const char *line, Py_ssize_t len) {
    const char **f = self->field_starts;
    Py_ssize_t *fl = self->field_lens;
    int n = 0;
    const char *p = line, *end = line + len;
    while (1) {
        const char *tab = memchr(p, '\t', end - p);
        if (n >= self->field_count) return 0;
        f[n] = p;
        if (tab == NULL) {
            fl[n++] = end - p;
            break;
        }
        fl[n++] = tab - p;
        p = tab + 1;
    }
    if (n != self->field_count) return 0;

    Contig *contig = contig_lookup(self, f[0], fl[0]);
    if (contig == NULL) return PyErr_Occurred() ? -1 : 0;
    if (contig->region < 0) return 0;
    const char *ref = f[3], *alt = f[4];
    Py_ssize_t ref_len = fl[3], alt_len = fl[4];
    if (!is_bases(ref, ref_len) || !is_bases(alt, alt_len)) return 0;
    /* SVTYPE declares a structural variant: the reader counts and lists those (genomes.vcf.records). */
    if (fl[7] >= 7 && (memmem(f[7], fl[7], ";SVTYPE=", 8) != NULL || memcmp(f[7], "SVTYPE=", 7) == 0)) return 0;
    if (fl[1] == 0 || fl[1] > 12) return 0;
    long long pos = 0;
    for (Py_ssize_t i = 0; i < fl[1]; i++) {
        char c = f[1][i];
        if (c < '0' || c > '9') return 0;
        pos = pos * 10 + (c - '0');
    }
    if (pos < 1 || pos + ref_len - 1 > contig->length) return 0;
    if (format_layout(self, f[8], fl[8]) < 0) return -1;
    if (self->gt_index < 0) return 0;

    /* The reader's fast path, on text: popmax, else AF (unless the annotation has MAX_AF), else MAX_AF. */
    const char *info = f[7];
    Py_ssize_t info_len = fl[7];
    const char *value = NULL;
    Py_ssize_t value_len = 0;
    double observed = 0;
    int state = NUMBER_MISSING;
    if (self->needles[NEEDLE_POPMAX] &&
        info_value(info, info_len, self->needles[NEEDLE_POPMAX], self->needle_lens[NEEDLE_POPMAX], &value, &value_len))
        state = parse_number(value, value_len, &observed);
    if (state == NUMBER_UNSURE) return 0;
    if (state == NUMBER_MISSING && self->needles[NEEDLE_AF] && self->max_af_index < 0 &&
        info_value(info, info_len, self->needles[NEEDLE_AF], self->needle_lens[NEEDLE_AF], &value, &value_len)) {
        state = parse_number(value, value_len, &observed);
        if (state == NUMBER_UNSURE) return 0;
    }
    const char *csq = NULL;
    Py_ssize_t csq_len = 0;
    int has_csq = self->needles[NEEDLE_CSQ] &&
        info_value(info, info_len, self->needles[NEEDLE_CSQ], self->needle_lens[NEEDLE_CSQ], &csq, &csq_len) &&
        csq_len > 0;
    if (state == NUMBER_MISSING && has_csq && self->max_af_index >= 0) {
        const char *first_end = find_byte(csq, csq + csq_len, ',');
        const char *q = csq;
        int i = 0;
        for (; i < self->max_af_index; i++) {
            const char *bar = memchr(q, '|', first_end - q);
            if (bar == NULL) break;
            q = bar + 1;
        }
        if (i == self->max_af_index) {
            state = parse_number(q, find_byte(q, first_end, '|') - q, &observed);
            if (state == NUMBER_UNSURE) return 0;
        }
        if (state == NUMBER_MISSING && self->needles[NEEDLE_AF]) return 0;
    }
    if (state != NUMBER_VALUE || observed != observed || observed <= self->threshold) return 0;
    if (self->needles[NEEDLE_CLINVAR] &&
        info_value(info, info_len, self->needles[NEEDLE_CLINVAR], self->needle_lens[NEEDLE_CLINVAR], &value,
                   &value_len) &&
        !(value_len == 0 || (value_len == 1 && value[0] == '.')))
        return 0;
    /* genomes.clinvar.PATHOGENIC_TEXT_MARK: any (likely) pathogenic assertion in the annotation. */
    if (has_csq && memmem(csq, csq_len, "athogenic", 9) != NULL) return 0;

    /* Trimmed alleles (genomes.variant_identity.trim_alleles): shared trailing, then leading bases. */
    Py_ssize_t rs = 0, re = ref_len, as = 0, ae = alt_len;
    if (ref_len == alt_len && memcmp(ref, alt, ref_len) == 0) return 0;   /* the reader skips ALT = REF */
    if (ref_len != 1 || alt_len != 1) {
        while (re - rs > 1 && ae - as > 1 && ref[re - 1] == alt[ae - 1]) re--, ae--;
        while (re - rs > 1 && ae - as > 1 && ref[rs] == alt[as]) rs++, as++;
        if (re - rs == ae - as && memcmp(ref + rs, alt + as, re - rs) == 0) return 0;
    }

    int codes[MAX_SAMPLES];
    for (int s = 0; s < self->n_samples; s++) {
        int column = self->columns[s];
        const char *gt;
        Py_ssize_t gt_len;
        if (!sample_part(f[column], fl[column], self->gt_index, &gt, &gt_len)) return 0;
        codes[s] = genotype_code(gt, gt_len);
        if (codes[s] == -2) return 0;
    }
    int mendel = 0;
    if (self->has_trio && contig->region == 0) {
        int consistent = mendelian(codes[self->trio[0]], codes[self->trio[1]], codes[self->trio[2]]);
        if (consistent >= 0) {
            int confident = (fl[6] == 4 && memcmp(f[6], "PASS", 4) == 0) || (fl[6] == 1 && f[6][0] == '.');
            if (confident && self->gq_index >= 0) {
                for (int t = 0; t < 3; t++) {
                    int column = self->columns[self->trio[t]];
                    const char *gq;
                    Py_ssize_t gq_len;
                    if (!sample_part(f[column], fl[column], self->gq_index, &gq, &gq_len)) continue;   /* "." */
                    if (gq_len == 0 || (gq_len == 1 && gq[0] == '.')) continue;
                    long long quality = 0;
                    for (Py_ssize_t i = 0; i < gq_len; i++) {
                        if (gq[i] < '0' || gq[i] > '9') return 0;   /* a float or negative GQ: cyvcf2 reads it */
                        if (quality < 1000000) quality = quality * 10 + (gq[i] - '0');
                    }
                    if (quality < MENDELIAN_MIN_GQ) {
                        confident = 0;
                        break;
                    }
                }
            }
            if (confident) mendel = consistent ? 1 : 2;
        }
    }

    /* Sample identity QC (genomes/vcf/statistics.py): biallelic PASS SNVs, calls below GQ 20 as missing. */
    int identity = -1, identity_codes[MAX_SAMPLES];
    int passed = (fl[6] == 4 && memcmp(f[6], "PASS", 4) == 0) || (fl[6] == 1 && f[6][0] == '.');
    if (ref_len == 1 && alt_len == 1 && passed && contig->identity_region >= 0) {
        identity = contig->identity_region;
        if (identity > 0 && (pos <= contig->par1_end || pos >= contig->par2_start)) identity = 0;
        for (int s = 0; s < self->n_samples; s++) {
            identity_codes[s] = codes[s];
            if (self->gq_index < 0) continue;
            const char *gq;
            Py_ssize_t gq_len;
            if (!sample_part(f[self->columns[s]], fl[self->columns[s]], self->gq_index, &gq, &gq_len)) continue;
            if (gq_len == 0 || (gq_len == 1 && gq[0] == '.')) continue;
            long long quality = 0;
            for (Py_ssize_t i = 0; i < gq_len; i++) {
                if (gq[i] < '0' || gq[i] > '9') return 0;   /* a float or negative GQ: cyvcf2 reads it */
                if (quality < 1000000) quality = quality * 10 + (gq[i] - '0');
            }
            if (quality < IDENTITY_MIN_GQ) identity_codes[s] = -1;
        }
    }

    int consequence;   /* index into by_consequence */
    if (self->needles[NEEDLE_CSQ] == NULL) {
        consequence = self->n_ranks + 1;   /* unannotated */
    } else if (!has_csq) {
        consequence = self->n_ranks;       /* none */
    } else {
        int best = self->n_ranks;
        const char *entry = csq, *csq_end = csq + csq_len;
        while (entry <= csq_end) {
            const char *entry_end = find_byte(entry, csq_end, ',');
            const char *q = entry;
            for (int i = 0; i < self->consequence_index; i++) {
                const char *bar = memchr(q, '|', entry_end - q);
                if (bar == NULL) return 0;   /* too few fields: the reader decides */
                q = bar + 1;
            }
            const char *field_end = find_byte(q, entry_end, '|');
            while (q <= field_end) {
                const char *amp = find_byte(q, field_end, '&');
                int rank = term_rank(self, q, amp - q);
                if (rank < 0) return 0;      /* an unknown or empty term: the reader decides */
                if (rank < best) best = rank;
                q = amp + 1;
            }
            entry = entry_end + 1;
        }
        consequence = best;
    }

    /* Certain now: count it as the reader's fast path does. */
    Py_ssize_t t_ref_len = re - rs, t_alt_len = ae - as;
    int kind = t_ref_len == t_alt_len ? (t_ref_len == 1 ? 0 : 1) : t_ref_len == 1 ? 2 : t_alt_len == 1 ? 3 : 4;
    self->by_type[kind]++;
    if (kind == 0) {
        char a = ref[rs], b = alt[as];
        if ((a == 'A' && b == 'G') || (a == 'G' && b == 'A') || (a == 'C' && b == 'T') || (a == 'T' && b == 'C'))
            self->transitions++;
        else
            self->transversions++;
    }
    self->by_consequence[consequence]++;
    Py_ssize_t key = contig->region;
    for (int s = 0; s < self->n_samples; s++) key = key * 5 + (codes[s] + 1);
    self->patterns[key * 3 + mendel]++;
    if (identity >= 0) {
        Py_ssize_t id_key = identity;
        for (int s = 0; s < self->n_samples; s++) id_key = id_key * 5 + (identity_codes[s] + 1);
        self->identity[id_key]++;
    }
    self->dropped++;
    return 1;
}

static PyObject *Screen_screen(Screen *self, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    const char *text = view.buf, *end = text + view.len;
    /* Undecided lines are copied out in place of the input; at most the input's size plus a newline. */
    PyObject *out = PyBytes_FromStringAndSize(NULL, view.len + 1);
    if (out == NULL) {
        PyBuffer_Release(&view);
        return NULL;
    }
    char *write = PyBytes_AS_STRING(out);
    Py_ssize_t written = 0;
    const char *line = text;
    while (line < end) {
        const char *newline = memchr(line, '\n', end - line);
        const char *line_end = newline ? newline : end;
        if (line_end > line) {
            self->lines++;
            int verdict = screen_line(self, line, line_end - line);
            if (verdict < 0) {
                Py_DECREF(out);
                PyBuffer_Release(&view);
                return NULL;
            }
            if (verdict == 0) {
                memcpy(write + written, line, line_end - line);
                written += line_end - line;
                write[written++] = '\n';
            }
        }
        line = line_end + 1;
    }
    PyBuffer_Release(&view);
    if (_PyBytes_Resize(&out, written) < 0) return NULL;
    return out;
}

static PyObject *Screen_counts(Screen *self, PyObject *Py_UNUSED(ignored)) {
    PyObject *by_type = PyList_New(N_TYPES), *by_consequence = PyList_New(self->n_ranks + 2);
    PyObject *patterns = PyList_New(0), *identity = NULL;
    if (by_type == NULL || by_consequence == NULL || patterns == NULL) goto fail;
    for (int i = 0; i < N_TYPES; i++) PyList_SET_ITEM(by_type, i, PyLong_FromLongLong(self->by_type[i]));
    for (int i = 0; i < self->n_ranks + 2; i++)
        PyList_SET_ITEM(by_consequence, i, PyLong_FromLongLong(self->by_consequence[i]));
    for (Py_ssize_t k = 0; k < self->n_patterns; k++) {
        if (!self->patterns[k]) continue;
        Py_ssize_t key = k / 3;
        int mendel = (int)(k % 3);
        PyObject *genotypes = PyTuple_New(self->n_samples);
        if (genotypes == NULL) goto fail;
        for (int s = self->n_samples - 1; s >= 0; s--) {
            PyTuple_SET_ITEM(genotypes, s, PyLong_FromLong((long)(key % 5) - 1));
            key /= 5;
        }
        PyObject *item = Py_BuildValue("(nNiL)", key, genotypes, mendel, self->patterns[k]);
        if (item == NULL || PyList_Append(patterns, item) < 0) {
            Py_XDECREF(item);
            goto fail;
        }
        Py_DECREF(item);
    }
    identity = PyList_New(0);
    if (identity == NULL) goto fail;
    for (Py_ssize_t k = 0; k < self->n_identity; k++) {
        if (!self->identity[k]) continue;
        Py_ssize_t key = k;
        PyObject *genotypes = PyTuple_New(self->n_samples);
        if (genotypes == NULL) goto fail;
        for (int s = self->n_samples - 1; s >= 0; s--) {
            PyTuple_SET_ITEM(genotypes, s, PyLong_FromLong((long)(key % 5) - 1));
            key /= 5;
        }
        PyObject *item = Py_BuildValue("(nNL)", key, genotypes, self->identity[k]);
        if (item == NULL || PyList_Append(identity, item) < 0) {
            Py_XDECREF(item);
            goto fail;
        }
        Py_DECREF(item);
    }
    return Py_BuildValue("{s:L,s:L,s:N,s:L,s:L,s:N,s:N,s:N}", "lines", self->lines, "dropped", self->dropped,
                         "by_type", by_type, "transitions", self->transitions, "transversions",
                         self->transversions, "by_consequence", by_consequence, "patterns", patterns,
                         "identity", identity);
fail:
    Py_XDECREF(by_type);
    Py_XDECREF(by_consequence);
    Py_XDECREF(patterns);
    Py_XDECREF(identity);
    return NULL;
}

static int set_needle(Screen *self, int which, PyObject *key) {
    if (key == Py_None) return 0;
    char *text;
    Py_ssize_t len;
    if (PyBytes_AsStringAndSize(key, &text, &len) < 0) return -1;
    self->needles[which] = PyMem_Malloc(len + 1);
    if (self->needles[which] == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(self->needles[which], text, len);
    self->needles[which][len] = '=';
    self->needle_lens[which] = len + 1;
    return 0;
}

/* Screen(field_count, columns, trio, threshold, popmax_key, af_key, clinvar_key, csq_key, max_af_index,
 *        consequence_index, ranked_terms, contig_info); keys are bytes or None, ranked_terms a list of bytes. */
static int Screen_init(Screen *self, PyObject *args, PyObject *kwargs) {
    PyObject *columns, *trio, *keys[4], *terms, *contig_info;
    if (!PyArg_ParseTuple(args, "iOOdOOOOiiOO", &self->field_count, &columns, &trio, &self->threshold, &keys[0],
                          &keys[1], &keys[2], &keys[3], &self->max_af_index, &self->consequence_index, &terms,
                          &contig_info))
        return -1;
    Py_ssize_t n_samples = PySequence_Size(columns);
    if (n_samples < 0) return -1;
    if (n_samples < 1 || n_samples > MAX_SAMPLES) {
        PyErr_Format(PyExc_ValueError, "the compiled screen takes 1 to %d samples, not %zd", MAX_SAMPLES, n_samples);
        return -1;
    }
    self->n_samples = (int)n_samples;
    for (Py_ssize_t i = 0; i < n_samples; i++) {
        PyObject *item = PySequence_GetItem(columns, i);
        if (item == NULL) return -1;
        self->columns[i] = (int)PyLong_AsLong(item);
        Py_DECREF(item);
        if (self->columns[i] < 9 || self->columns[i] >= self->field_count) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "sample column out of range");
            return -1;
        }
    }
    if (trio != Py_None) {
        if (!PyArg_ParseTuple(trio, "iii", &self->trio[0], &self->trio[1], &self->trio[2])) return -1;
        for (int t = 0; t < 3; t++)
            if (self->trio[t] < 0 || self->trio[t] >= self->n_samples) {
                PyErr_SetString(PyExc_ValueError, "trio position out of range");
                return -1;
            }
        self->has_trio = 1;
    }
    for (int i = 0; i < 4; i++)
        if (set_needle(self, i, keys[i]) < 0) return -1;
    self->terms_keep = PySequence_List(terms);
    if (self->terms_keep == NULL) return -1;
    self->n_ranks = (int)PyList_GET_SIZE(self->terms_keep);
    if (self->n_ranks >= TERM_TABLE / 2) {
        PyErr_SetString(PyExc_ValueError, "too many consequence terms");
        return -1;
    }
    for (int rank = 0; rank < self->n_ranks; rank++) {
        char *text;
        Py_ssize_t len;
        if (PyBytes_AsStringAndSize(PyList_GET_ITEM(self->terms_keep, rank), &text, &len) < 0) return -1;
        uint32_t slot = hash_bytes(text, len) & (TERM_TABLE - 1);
        while (self->terms[slot].term != NULL) slot = (slot + 1) & (TERM_TABLE - 1);
        self->terms[slot] = (Term){text, len, rank};
    }
    Py_INCREF(contig_info);
    self->contig_info = contig_info;
    self->last_contig = -1;
    self->field_starts = PyMem_Calloc(self->field_count + 1, sizeof(char *));
    self->field_lens = PyMem_Calloc(self->field_count + 1, sizeof(Py_ssize_t));
    self->by_consequence = PyMem_Calloc(self->n_ranks + 2, sizeof(long long));
    self->n_patterns = 3 * 3;
    for (int s = 0; s < self->n_samples; s++) self->n_patterns *= 5;
    self->patterns = PyMem_Calloc(self->n_patterns, sizeof(long long));
    self->n_identity = self->n_patterns / 3;
    self->identity = PyMem_Calloc(self->n_identity, sizeof(long long));
    if (!self->field_starts || !self->field_lens || !self->by_consequence || !self->patterns || !self->identity) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static void Screen_dealloc(Screen *self) {
    for (int i = 0; i < 4; i++) PyMem_Free(self->needles[i]);
    for (int i = 0; i < self->n_contigs; i++) PyMem_Free(self->contigs[i].name);
    PyMem_Free(self->format);
    PyMem_Free(self->field_starts);
    PyMem_Free(self->field_lens);
    PyMem_Free(self->by_consequence);
    PyMem_Free(self->patterns);
    PyMem_Free(self->identity);
    Py_XDECREF(self->terms_keep);
    Py_XDECREF(self->contig_info);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef Screen_methods[] = {
    {"screen", (PyCFunction)Screen_screen, METH_O, "Whole data lines (bytes) in; the lines left for cyvcf2 out."},
    {"counts", (PyCFunction)Screen_counts, METH_NOARGS, "What was dropped, counted for QC."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef Screen_members[] = {
    {"lines", T_LONGLONG, offsetof(Screen, lines), READONLY, "data lines seen"},
    {"dropped", T_LONGLONG, offsetof(Screen, dropped), READONLY, "records dropped (and counted)"},
    {NULL, 0, 0, 0, NULL},
};

static PyTypeObject ScreenType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "genomes.vcf._screen.Screen",
    .tp_basicsize = sizeof(Screen),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Screen_init,
    .tp_dealloc = (destructor)Screen_dealloc,
    .tp_methods = Screen_methods,
    .tp_members = Screen_members,
    .tp_doc = "The compiled record screen (see genomes/vcf/screen.py).",
};

/* first_line_not_on(chunk, start, name) -> offset of the first line at or after ``start`` whose CHROM is not
 * ``name`` (empty lines aside), or -1. The contig guard (genomes/vcf/contig_guard.py) checks every record's
 * CHROM with it at memchr speed: a sorted chunk is one call. */
static PyObject *first_line_not_on(PyObject *Py_UNUSED(module), PyObject *args) {
    Py_buffer chunk, name;
    Py_ssize_t start;
    if (!PyArg_ParseTuple(args, "y*ny*", &chunk, &start, &name)) return NULL;
    const char *text = chunk.buf, *end = text + chunk.len, *want = name.buf;
    Py_ssize_t want_len = name.len, found = -1;
    const char *line = text + (start < 0 ? 0 : start > chunk.len ? chunk.len : start);
    while (line < end) {
        const char *newline = memchr(line, '\n', end - line);
        const char *line_end = newline ? newline : end;
        if (line_end > line) {
            Py_ssize_t len = line_end - line;
            if (len <= want_len || line[want_len] != '\t' || memcmp(line, want, want_len) != 0) {
                found = line - text;
                break;
            }
        }
        line = line_end + 1;
    }
    PyBuffer_Release(&chunk);
    PyBuffer_Release(&name);
    return PyLong_FromSsize_t(found);
}

static PyMethodDef module_functions[] = {
    {"first_line_not_on", first_line_not_on, METH_VARARGS, "Offset of the first line whose CHROM differs, or -1."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, .m_name = "_screen", .m_doc = "The compiled record screen.", .m_size = -1,
    .m_methods = module_functions,
};

PyMODINIT_FUNC PyInit__screen(void) {
    if (PyType_Ready(&ScreenType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    Py_INCREF(&ScreenType);
    if (PyModule_AddObject(m, "Screen", (PyObject *)&ScreenType) < 0) {
        Py_DECREF(&ScreenType);
        Py_DECREF(m);
        return NULL;
    }
    PyModule_AddIntConstant(m, "MAX_SAMPLES", MAX_SAMPLES);
    return m;
}
