#!/usr/bin/env bash
# What a reference count written from two cores costs on this machine: two threads take turns
# writing one cache line (each write waits for the line to come over from the other core), against
# one thread's uncontended atomic add. `bench/shared-refcounts.sh` counts how often a request does
# the first.
#
# Usage: bench/cacheline-pingpong.sh   (needs a C compiler: cc, or CC=…)
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/pingpong.c" <<'C'
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#define TURNS 2000000L
static _Alignas(64) atomic_long turn = 0;
static _Alignas(64) atomic_long counter = 0;
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
/* Plays every other turn: waits for the line to hold its number, then hands the turn back. */
static void *player(void *first) {
    for (long i = (long)first; i < TURNS; i += 2) {
        while (atomic_load(&turn) != i) {}
        atomic_store(&turn, i + 1);
    }
    return 0;
}
int main(void) {
    pthread_t other;
    pthread_create(&other, 0, player, (void *)1L);
    double start = now();
    player((void *)0L);
    pthread_join(other, 0);
    printf("line moved between cores: %.1f ns per move\n", (now() - start) / TURNS * 1e9);
    start = now();
    for (long i = 0; i < TURNS * 10; i++) atomic_fetch_add(&counter, 1);
    printf("uncontended atomic add:   %.1f ns\n", (now() - start) / (TURNS * 10) * 1e9);
    return 0;
}
C
"${CC:-cc}" -O2 -pthread "$work/pingpong.c" -o "$work/pingpong"
"$work/pingpong"
