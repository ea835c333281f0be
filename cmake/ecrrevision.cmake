# Runs at build time, not at configure time: writes the revision being built into a small
# header, and touches it only when the revision changed, so a new commit recompiles one file
# (buildinfo.cpp) and --version / aws_ecr_exporter_build_info never show a stale revision.
# Inputs: SOURCE_DIR (the checkout), OUT (the header to write).
execute_process(COMMAND git rev-parse --short=12 HEAD
    WORKING_DIRECTORY "${SOURCE_DIR}" OUTPUT_VARIABLE revision RESULT_VARIABLE status
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT status EQUAL 0 OR NOT revision)
    set(revision "unknown")  # a source tarball, or git missing
endif()
set(content "// Generated at build time by cmake/ecrrevision.cmake.\n#define ECR_REVISION \"${revision}\"\n")
set(old "")
if(EXISTS "${OUT}")
    file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL content)
    file(WRITE "${OUT}" "${content}")
endif()
