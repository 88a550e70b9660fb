# Secure-boot layout of the mps2-an505 (QEMU) board: where the bootloader, the emulated flash areas,
# the emulated OTP counter, the key store and the application's execution region live. Included by
# firmware/bootloader/CMakeLists.txt; a board without this file builds no bootloader.
#
# QEMU has no flash on this board, so "flash" is SSRAM1 (4 MiB at 0x10000000, secure alias) driven
# with NOR semantics in software (boot_port.cpp). Nothing persists across QEMU runs: multi-boot
# scenarios run inside one QEMU session, the application restarting through the bootloader.
#
#   0x10000000  bootloader code (reset vector, INITSVTOR)             256 KiB
#   0x10040000  boot state (2 x 4 KiB sectors, append-only log)          8 KiB
#   0x10050000  security counter ("OTP" / NV counter), one word          4 KiB
#   0x10051000  key store: device identity 'PQID' || seed(32)           4 KiB
#   0x10052000  challenge mailbox: 'PQNC' || len || nonce (verifier)    4 KiB
#   0x10080000  slot A                                                 512 KiB
#   0x10100000  slot B                                                 512 KiB
#   0x10180000  staging: a downloaded update waiting for the agent     512 KiB
#   0x10300000  execution region: payloads are copied here and run       1 MiB
#   0x30000000  boot record (internal SRAM), read-only after hand-over  256 B
#   0x30000100  reset guard word (resets within one QEMU session)
set(PQCEA_BOOT_CODE_BASE     0x10000000)
set(PQCEA_BOOT_CODE_SIZE     0x40000)
set(PQCEA_BOOT_STATE_BASE    0x10040000)
set(PQCEA_BOOT_STATE_SIZE    0x2000)
set(PQCEA_BOOT_COUNTER_BASE  0x10050000)
set(PQCEA_BOOT_KEYSTORE_BASE 0x10051000)
set(PQCEA_BOOT_MAILBOX_BASE  0x10052000)
set(PQCEA_BOOT_SLOT_A_BASE   0x10080000)
set(PQCEA_BOOT_SLOT_B_BASE   0x10100000)
set(PQCEA_BOOT_STAGING_BASE  0x10180000)
set(PQCEA_BOOT_SLOT_SIZE     0x80000)
set(PQCEA_BOOT_SECTOR_SIZE   0x1000)
set(PQCEA_BOOT_EXEC_BASE     0x10300000)
set(PQCEA_BOOT_EXEC_SIZE     0x100000)
set(PQCEA_BOOT_RECORD_BASE   0x30000000)
set(PQCEA_BOOT_GUARD_BASE    0x30000100)
# Stacks of the two images (in SSRAM3; .data/.bss in SSRAM2 as for every image of this board).
set(PQCEA_BOOT_STACK_SIZE    0x4000)
set(PQCEA_APP_STACK_SIZE     0x4000)

set(PQCEA_BOOT_PORT_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/boot_port.cpp
    ${PQCEA_FIRMWARE_DIR}/board/cortex-m/handover.cpp)
set(PQCEA_BOOT_LINKER_TEMPLATE ${CMAKE_CURRENT_LIST_DIR}/image.ld.in)
