# `cpack -G DEB` in a build tree: the Debian package `tmsproto` (spec/conformance.md C.11,
# REQ-CONF-053), holding under /usr what the install rules lay out: bin/tmsproto,
# libexec/tmsproto/reference-shim, the core library with its headers, its CMake package and
# tmsproto.pc. scripts/check-package builds it, unpacks it with dpkg -x and runs the suite from there.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tmsproto)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "tmsproto")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "POS terminal <-> TMS key and software download protocol: reference implementation and conformance suite")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "The tmsproto command (reference TMS server, reference terminal, vendor tools) and the\n\
conformance suite vendors run their terminals against (tmsproto conformance run), with the\n\
reference terminal's shim; the sans-I/O protocol core as a static library with its C++20 headers,\n\
a CMake package (find_package(tmsproto), target tmsproto::core) and a pkg-config file.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "tmsproto maintainers <maintainers@users.noreply.r-seed-94713fc5.example>")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Stripped, as a Debian package ships its programs: the RelWithDebInfo tmsproto is some 100 MB with
# its debug information, a tenth of that without.
set(CPACK_STRIP_FILES ON)
# REQ-CONF-053: Depends from the shared libraries the programs actually link (libtomcrypt1,
# libsqlite3-0, libstdc++6, libc6, ...), as dpkg-shlibdeps (dpkg-dev) reads them from the binaries.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The reference shim is a bash script; building against the core needs libtomcrypt's headers and
# pkg-config (the CMake package finds libtomcrypt through it).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "bash")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libtomcrypt-dev, pkg-config")
include(CPack)
