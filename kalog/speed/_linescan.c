/*
 * kalog.speed._linescan: the byte loops of reading a big syslog file, compiled.
 *
 * Why C: on a gigabyte syslog file with 1% keepalived lines, finding those
 * lines, numbering them and ruling out relayed console stamps took ~80% of
 * the reading processes' time in Python (four numpy passes over every 4 MB
 * block for the stamps; bytes.find plus a numpy comparison and a count
 * between matches for the lines); on a dense file, the bulk envelope cutter
 * found every space, colon and "[" of a million lines to pick a few per
 * line.  Here each is one pass at memchr speed.
 *
 * The three functions are exact replacements of Python code in kalog.ingest.read,
 * kalog.grammar.envelope and kalog.grammar.bulk, which stays as the fallback
 * (a machine without a compiler) and as the oracle of tests/test_linescan.py.
 *
 * The input is untrusted: every index is checked against the buffer's
 * length before it is read, and nothing is written to it.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* '\n' bytes in [p, p + n).  Counted in runs of 255 bytes into an unsigned
 * char, a reduction compilers vectorise with one byte per lane. */
static Py_ssize_t
count_newlines(const unsigned char *p, Py_ssize_t n)
{
    Py_ssize_t total = 0;
    while (n >= 255) {
        unsigned char run = 0;
        for (int i = 0; i < 255; i++) {
            run += (unsigned char)(p[i] == '\n');
        }
        total += run;
        p += 255;
        n -= 255;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        total += (p[i] == '\n');
    }
    return total;
}

/* The last '\n' in [p, p + n), or NULL. */
static const unsigned char *
last_newline(const unsigned char *p, Py_ssize_t n)
{
#ifdef __GLIBC__
    return memrchr(p, '\n', (size_t)n);
#else
    while (n > 0) {
        n--;
        if (p[n] == '\n') {
            return p + n;
        }
    }
    return NULL;
#endif
}

/* How rare a byte is in log text, higher is rarer: lowercase letters by
 * their English frequency, capitals rarer, digits, spaces and punctuation
 * common.  Only a heuristic: it picks which byte of the word to memchr for. */
static int
rarity(unsigned char c)
{
    static const char order[] = "etaoinsrhldcumfpgwybvkxjqz";  /* most to least common */
    if (c >= 'a' && c <= 'z') {
        return (int)(strchr(order, c) - order);
    }
    if (c >= 'A' && c <= 'Z') {
        return 20;
    }
    if (c >= 0x80) {
        return 26;
    }
    return 0;
}

/* The first occurrence of word (m > 0 bytes) in [p, p + n), or NULL.
 * memchr for the word's rarest byte (`anchor`), then memcmp around it:
 * ~2.5x faster than glibc's memmem on syslog ("eepalived": its "v"). */
static const unsigned char *
find_word(const unsigned char *p, Py_ssize_t n, const unsigned char *word, Py_ssize_t m,
          Py_ssize_t anchor)
{
    const unsigned char *end = p + n;
    const unsigned char *q = p + anchor;  /* the anchor byte of a match starting at p */
    while (q + (m - anchor) <= end) {
        const unsigned char *hit = memchr(q, word[anchor], (size_t)(end - q - (m - anchor) + 1));
        if (hit == NULL) {
            return NULL;
        }
        if (memcmp(hit - anchor, word, (size_t)m) == 0) {
            return hit - anchor;
        }
        q = hit + 1;
    }
    return NULL;
}

PyDoc_STRVAR(find_lines_doc,
"find_lines(data, word) -> (newlines, spans)\n\n"
"The lines of `data` that contain `word`, as (index, start, end) tuples:\n"
"0-based line index, and the byte span of the line without its newline.\n"
"`newlines` counts every b'\\n' in `data`.  Lines are split at b'\\n' only;\n"
"the word must be non-empty and hold no newline.");

static PyObject *
find_lines(PyObject *module, PyObject *args)
{
    (void)module;
    Py_buffer data, word;
    if (!PyArg_ParseTuple(args, "y*y*:find_lines", &data, &word)) {
        return NULL;
    }
    PyObject *spans = NULL, *result = NULL;
    if (word.len == 0 || memchr(word.buf, '\n', (size_t)word.len) != NULL) {
        /* either would find the same spot forever */
        PyErr_SetString(PyExc_ValueError, "find_lines: the word is empty or holds a newline");
        goto done;
    }
    spans = PyList_New(0);
    if (spans == NULL) {
        goto done;
    }
    const unsigned char *base = data.buf;
    const Py_ssize_t size = data.len;
    const unsigned char *letters = word.buf;
    Py_ssize_t anchor = 0;
    for (Py_ssize_t k = 1; k < word.len; k++) {
        if (rarity(letters[k]) > rarity(letters[anchor])) {
            anchor = k;
        }
    }
    Py_ssize_t pos = 0;      /* where the next search starts */
    Py_ssize_t counted = 0;  /* newlines before `counted` are in `index` */
    Py_ssize_t index = 0;
    while (pos < size) {
        const unsigned char *hit = find_word(base + pos, size - pos, letters, word.len, anchor);
        if (hit == NULL) {
            break;
        }
        /* The line starts after the last newline before the hit, searched
         * from the previous match's line start (`counted`): the newline that
         * ended that line is there, so the search is short. */
        const unsigned char *nl = last_newline(base + counted, hit - (base + counted));
        Py_ssize_t start = nl == NULL ? counted : (nl - base) + 1;
        const unsigned char *after = memchr(hit, '\n', (size_t)(size - (hit - base)));
        Py_ssize_t end = after == NULL ? size : after - base;
        index += count_newlines(base + counted, start - counted);
        counted = start;
        PyObject *item = Py_BuildValue("(nnn)", index, start, end);
        if (item == NULL || PyList_Append(spans, item) < 0) {
            Py_XDECREF(item);
            goto done;
        }
        Py_DECREF(item);
        pos = end;
    }
    index += count_newlines(base + counted, size - counted);
    result = Py_BuildValue("(nO)", index, spans);
done:
    Py_XDECREF(spans);
    PyBuffer_Release(&data);
    PyBuffer_Release(&word);
    return result;
}

#define IS_DIGIT(c) ((unsigned char)((c) - '0') < 10)

PyDoc_STRVAR(may_have_console_stamp_doc,
"may_have_console_stamp(data) -> bool\n\n"
"True when some ':' at offset c >= 6 of `data` has a space at c - 5 and\n"
"digits at c - 1 .. c - 4 and c - 6: the end of every console stamp\n"
"('... 19:04:02 2023:').  False means `data` surely holds none.");

static PyObject *
may_have_console_stamp(PyObject *module, PyObject *args)
{
    (void)module;
    Py_buffer data;
    if (!PyArg_ParseTuple(args, "y*:may_have_console_stamp", &data)) {
        return NULL;
    }
    const unsigned char *p = data.buf;
    const Py_ssize_t size = data.len;
    int found = 0;
    /* A vectorisable pass over runs of 64 offsets for the two rare bytes,
     * ':' with a space five before it; the digits only where both are. */
    Py_ssize_t c = 6;
    while (!found && c < size) {
        Py_ssize_t stop = size - c < 64 ? size : c + 64;
        unsigned char any = 0;
        if (stop - c == 64) {  /* a fixed trip count: fully vectorised */
            const unsigned char *q = p + c;
            for (int i = 0; i < 64; i++) {
                any |= (unsigned char)((q[i] == ':') & (q[i - 5] == ' '));
            }
        }
        else {
            for (Py_ssize_t k = c; k < stop; k++) {
                any |= (unsigned char)((p[k] == ':') & (p[k - 5] == ' '));
            }
        }
        for (Py_ssize_t k = c; any && k < stop; k++) {
            if (p[k] == ':' && p[k - 5] == ' ' && IS_DIGIT(p[k - 1]) && IS_DIGIT(p[k - 2])
                && IS_DIGIT(p[k - 3]) && IS_DIGIT(p[k - 4]) && IS_DIGIT(p[k - 6])) {
                found = 1;
                break;
            }
        }
        c = stop;
    }
    PyBuffer_Release(&data);
    return PyBool_FromLong(found);
}

PyDoc_STRVAR(seek_doc,
"seek(data, at, ends, byte, equal, out)\n\n"
"For each i: the first position p in [at[i], ends[i]) where (data[p] == byte)\n"
"is `equal`, else ends[i]; written to out[i].  `at`, `ends` and `out` are\n"
"int64 buffers of one length (numpy arrays), `data` any byte buffer (an\n"
"arrow string array's data).  Raises ValueError for a range outside data.");

static PyObject *
seek(PyObject *module, PyObject *args)
{
    (void)module;
    Py_buffer data, at, ends, out;
    int byte, equal;
    if (!PyArg_ParseTuple(args, "y*y*y*ipw*:seek", &data, &at, &ends, &byte, &equal, &out)) {
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t n = at.len / (Py_ssize_t)sizeof(int64_t);
    if (at.len % (Py_ssize_t)sizeof(int64_t) != 0 || ends.len != at.len || out.len != at.len) {
        PyErr_SetString(PyExc_ValueError, "seek: at, ends and out must be int64 of one length");
        goto done;
    }
    if (byte < 0 || byte > 255) {
        PyErr_SetString(PyExc_ValueError, "seek: byte out of range");
        goto done;
    }
    const unsigned char *p = data.buf;
    const int64_t *from = at.buf, *to = ends.buf;
    int64_t *into = out.buf;
    const unsigned char wanted = (unsigned char)byte;
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t lo = from[i], hi = to[i];
        if (lo < 0 || hi < 0 || hi > (int64_t)data.len) {
            PyErr_Format(PyExc_ValueError, "seek: range %zd [%lld, %lld) outside %zd bytes",
                         i, (long long)lo, (long long)hi, data.len);
            goto done;
        }
        int64_t q = lo;
        if (equal) {
            const unsigned char *hit =
                lo < hi ? memchr(p + lo, wanted, (size_t)(hi - lo)) : NULL;
            q = hit == NULL ? hi : hit - p;
        }
        else {
            while (q < hi && p[q] == wanted) {
                q++;
            }
        }
        into[i] = q < hi ? q : hi;  /* hi also when lo > hi */
    }
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&data);
    PyBuffer_Release(&at);
    PyBuffer_Release(&ends);
    PyBuffer_Release(&out);
    return result;
}

static PyMethodDef methods[] = {
    {"find_lines", find_lines, METH_VARARGS, find_lines_doc},
    {"may_have_console_stamp", may_have_console_stamp, METH_VARARGS, may_have_console_stamp_doc},
    {"seek", seek, METH_VARARGS, seek_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "kalog.speed._linescan",
    "Compiled byte passes of the reader (see kalog/speed/_linescan.c).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__linescan(void)
{
    return PyModule_Create(&module);
}
