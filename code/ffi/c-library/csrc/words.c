/* A small word scanner in the style of strtok, written three ways.
 *
 * next_word keeps its place in a static variable, so a caller starts a scan by
 * passing the text and continues it by passing NULL. That one cursor is shared
 * by every thread in the process: the function is not reentrant.
 *
 * next_word_r keeps its place wherever the caller says (strtok_r's design).
 *
 * next_word_tls keeps its place in a _Thread_local variable: one cursor per
 * thread, so threads no longer share it, but one thread still cannot interleave
 * two scans.
 *
 * None of them writes into the text: a word is returned as a start and a length.
 */
/* ANCHOR: state */
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* strtok's own cursor is a plain static, so two threads that call it at once
 * race on it: undefined behaviour in C11. This one is an atomic, so the
 * demonstration stays defined: what goes wrong is only whose place it is. The
 * store releases and the load acquires, so a thread that picks up a place in
 * another thread's text also sees that text's bytes as they were written; a
 * relaxed load would let it read them with no happens-before: a data race. */
static _Atomic(const char *) shared_cursor = NULL;
static _Thread_local const char *thread_cursor = NULL;

/* The scan itself, shared by all three: skip spaces, then take a word. */
static const char *scan(const char *p, size_t *len, const char **rest) {
    while (*p == ' ') {
        p++;
    }
    if (*p == '\0') {
        *rest = p;
        *len = 0;
        return NULL;
    }
    const char *start = p;
    while (*p != '\0' && *p != ' ') {
        p++;
    }
    *len = (size_t)(p - start);
    *rest = p;
    return start;
}

/* ANCHOR_END: state */

/* ANCHOR: functions */
const char *next_word(const char *text, size_t *len) {
    const char *p = text != NULL ? text : atomic_load_explicit(&shared_cursor, memory_order_acquire);
    if (p == NULL) {
        *len = 0;
        return NULL;
    }
    const char *rest;
    const char *word = scan(p, len, &rest);
    atomic_store_explicit(&shared_cursor, rest, memory_order_release);
    return word;
}

const char *next_word_r(const char *text, size_t *len, const char **save) {
    const char *p = text != NULL ? text : *save;
    if (p == NULL) {
        *len = 0;
        return NULL;
    }
    return scan(p, len, save);
}

const char *next_word_tls(const char *text, size_t *len) {
    const char *p = text != NULL ? text : thread_cursor;
    if (p == NULL) {
        *len = 0;
        return NULL;
    }
    const char *rest;
    const char *word = scan(p, len, &rest);
    thread_cursor = rest;
    return word;
}

/* ANCHOR_END: functions */

/* FNV-1a, 64 bits: the work done on each word. Pure, so reentrant. */
uint64_t word_hash(const char *word, size_t len, uint32_t rounds) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (uint32_t r = 0; r < rounds; r++) {
        for (size_t i = 0; i < len; i++) {
            h ^= (unsigned char)word[i];
            h *= 0x100000001b3ULL;
        }
    }
    return h;
}
