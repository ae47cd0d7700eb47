/* OpenCV's BLAS and LAPACK calls, forwarded to numpy's OpenBLAS (packaging/openblas_shim.py).
 *
 * OpenCV's wheel links its own OpenBLAS (39 MB) with 32-bit integers; numpy's ships a 64-bit-integer
 * build whose symbols carry a prefix and a suffix (TARGET_PREFIX, TARGET_SUFFIX: scipy_sgesv_64_).
 * Each function here has the name and 32-bit signature OpenCV calls and converts its integers,
 * and the integer arrays LAPACK fills (pivots) or uses as workspace, to 64 bits and back. Floating
 * point data is passed through untouched. Trailing size_t arguments are the lengths gfortran passes
 * for character arguments; they are forwarded as they came. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef int64_t big;
#define JOIN3(a, b, c) a##b##c
#define TARGET_(prefix, name, suffix) JOIN3(prefix, name, suffix)
#define T(name) TARGET_(TARGET_PREFIX, name, TARGET_SUFFIX)
#define BAD_ALLOC (-1000) /* an INFO no LAPACK routine gives: the shim could not allocate */

void T(cblas_sgemm)(int, int, int, big, big, big, float, const float *, big, const float *, big,
                    float, float *, big);
void T(cblas_dgemm)(int, int, int, big, big, big, double, const double *, big, const double *,
                    big, double, double *, big);
void T(cblas_cgemm)(int, int, int, big, big, big, const void *, const void *, big, const void *,
                    big, const void *, void *, big);
void T(cblas_zgemm)(int, int, int, big, big, big, const void *, const void *, big, const void *,
                    big, const void *, void *, big);

void cblas_sgemm(int o, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc) {
    T(cblas_sgemm)(o, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
void cblas_dgemm(int o, int ta, int tb, int m, int n, int k, double alpha, const double *a,
                 int lda, const double *b, int ldb, double beta, double *c, int ldc) {
    T(cblas_dgemm)(o, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
void cblas_cgemm(int o, int ta, int tb, int m, int n, int k, const void *alpha, const void *a,
                 int lda, const void *b, int ldb, const void *beta, void *c, int ldc) {
    T(cblas_cgemm)(o, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
void cblas_zgemm(int o, int ta, int tb, int m, int n, int k, const void *alpha, const void *a,
                 int lda, const void *b, int ldb, const void *beta, void *c, int ldc) {
    T(cblas_zgemm)(o, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

static big *bigs(int count) { return malloc(sizeof(big) * (size_t)(count > 0 ? count : 1)); }
static void back(int *to, const big *from, int count) {
    for (int i = 0; i < count; i++) to[i] = (int)from[i];
}
static int least(int a, int b) { return a < b ? a : b; }

#define GETRF(X, R)                                                                      \
    void T(X##getrf_)(big *, big *, R *, big *, big *, big *);                           \
    void X##getrf_(int *m, int *n, R *a, int *lda, int *ipiv, int *info) {               \
        big m8 = *m, n8 = *n, lda8 = *lda, info8 = 0, *ipiv8 = bigs(least(*m, *n));      \
        if (!ipiv8) { *info = BAD_ALLOC; return; }                                       \
        T(X##getrf_)(&m8, &n8, a, &lda8, ipiv8, &info8);                                 \
        back(ipiv, ipiv8, least(*m, *n)); free(ipiv8); *info = (int)info8;               \
    }
#define GESV(X, R)                                                                       \
    void T(X##gesv_)(big *, big *, R *, big *, big *, R *, big *, big *);                \
    void X##gesv_(int *n, int *nrhs, R *a, int *lda, int *ipiv, R *b, int *ldb, int *info) { \
        big n8 = *n, nrhs8 = *nrhs, lda8 = *lda, ldb8 = *ldb, info8 = 0, *ipiv8 = bigs(*n); \
        if (!ipiv8) { *info = BAD_ALLOC; return; }                                       \
        T(X##gesv_)(&n8, &nrhs8, a, &lda8, ipiv8, b, &ldb8, &info8);                     \
        back(ipiv, ipiv8, *n); free(ipiv8); *info = (int)info8;                          \
    }
#define POTRF(X, R)                                                                      \
    void T(X##potrf_)(char *, big *, R *, big *, big *, size_t);                         \
    void X##potrf_(char *uplo, int *n, R *a, int *lda, int *info, size_t l1) {           \
        big n8 = *n, lda8 = *lda, info8 = 0;                                             \
        T(X##potrf_)(uplo, &n8, a, &lda8, &info8, l1); *info = (int)info8;               \
    }
#define POSV(X, R)                                                                       \
    void T(X##posv_)(char *, big *, big *, R *, big *, R *, big *, big *, size_t);       \
    void X##posv_(char *uplo, int *n, int *nrhs, R *a, int *lda, R *b, int *ldb, int *info, \
                  size_t l1) {                                                           \
        big n8 = *n, nrhs8 = *nrhs, lda8 = *lda, ldb8 = *ldb, info8 = 0;                 \
        T(X##posv_)(uplo, &n8, &nrhs8, a, &lda8, b, &ldb8, &info8, l1); *info = (int)info8; \
    }
#define GEQRF(X, R)                                                                      \
    void T(X##geqrf_)(big *, big *, R *, big *, R *, R *, big *, big *);                 \
    void X##geqrf_(int *m, int *n, R *a, int *lda, R *tau, R *work, int *lwork, int *info) { \
        big m8 = *m, n8 = *n, lda8 = *lda, lwork8 = *lwork, info8 = 0;                   \
        T(X##geqrf_)(&m8, &n8, a, &lda8, tau, work, &lwork8, &info8); *info = (int)info8; \
    }
#define GELS(X, R)                                                                       \
    void T(X##gels_)(char *, big *, big *, big *, R *, big *, R *, big *, R *, big *, big *, \
                     size_t);                                                            \
    void X##gels_(char *trans, int *m, int *n, int *nrhs, R *a, int *lda, R *b, int *ldb,  \
                  R *work, int *lwork, int *info, size_t l1) {                           \
        big m8 = *m, n8 = *n, nrhs8 = *nrhs, lda8 = *lda, ldb8 = *ldb, lwork8 = *lwork;  \
        big info8 = 0;                                                                   \
        T(X##gels_)(trans, &m8, &n8, &nrhs8, a, &lda8, b, &ldb8, work, &lwork8, &info8, l1); \
        *info = (int)info8;                                                              \
    }
#define GESDD(X, R)                                                                      \
    void T(X##gesdd_)(char *, big *, big *, R *, big *, R *, R *, big *, R *, big *, R *,  \
                      big *, big *, big *, size_t);                                      \
    void X##gesdd_(char *jobz, int *m, int *n, R *a, int *lda, R *s, R *u, int *ldu, R *vt, \
                   int *ldvt, R *work, int *lwork, int *iwork, int *info, size_t l1) {   \
        big m8 = *m, n8 = *n, lda8 = *lda, ldu8 = *ldu, ldvt8 = *ldvt, lwork8 = *lwork;  \
        big info8 = 0, *iwork8 = bigs(8 * least(*m, *n));                                \
        (void)iwork;                                                                     \
        if (!iwork8) { *info = BAD_ALLOC; return; }                                      \
        T(X##gesdd_)(jobz, &m8, &n8, a, &lda8, s, u, &ldu8, vt, &ldvt8, work, &lwork8,   \
                     iwork8, &info8, l1);                                                \
        free(iwork8); *info = (int)info8;                                                \
    }

GETRF(s, float) GETRF(d, double)
GESV(s, float) GESV(d, double)
POTRF(s, float) POTRF(d, double)
POSV(s, float) POSV(d, double)
GEQRF(s, float) GEQRF(d, double)
GELS(s, float) GELS(d, double)
GESDD(s, float) GESDD(d, double)

void T(dgeev_)(char *, char *, big *, double *, big *, double *, double *, double *, big *,
               double *, big *, double *, big *, big *, size_t, size_t);
void dgeev_(char *jobvl, char *jobvr, int *n, double *a, int *lda, double *wr, double *wi,
            double *vl, int *ldvl, double *vr, int *ldvr, double *work, int *lwork, int *info,
            size_t l1, size_t l2) {
    big n8 = *n, lda8 = *lda, ldvl8 = *ldvl, ldvr8 = *ldvr, lwork8 = *lwork, info8 = 0;
    T(dgeev_)(jobvl, jobvr, &n8, a, &lda8, wr, wi, vl, &ldvl8, vr, &ldvr8, work, &lwork8, &info8,
              l1, l2);
    *info = (int)info8;
}
