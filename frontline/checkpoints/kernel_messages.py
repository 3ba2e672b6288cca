"""Kernel validator messages the field pages and API show, translated in this app's catalogue.

The project catalogue has these msgids only as obsolete (#~) entries, so Django would show them in
English; listing them here keeps them in `makemessages` for this app until the kernel catalogue has them.
"""

from django.utils.translation import gettext_noop

KERNEL_MESSAGES = [
    gettext_noop("Region: choose a region."),
    gettext_noop("Region: a region code has exactly 6 digits."),
    gettext_noop("Region: %(code)s is not a known region code."),
    gettext_noop("Resident ID number: enter the number."),
    gettext_noop("Resident ID number: it must have 18 characters (found %(length)s)."),
    gettext_noop("Resident ID number: the first 17 characters must be digits and the last a digit or X."),
    gettext_noop("Resident ID number: %(prefix)s is not the code of a province-level region."),
    gettext_noop("Resident ID number: the birth date %(value)s does not exist."),
    gettext_noop("Resident ID number: the birth date %(date)s is before 1900."),
    gettext_noop("Resident ID number: the birth date %(date)s is in the future."),
    gettext_noop("Resident ID number: the check digit is wrong (expected %(expected)s)."),
    gettext_noop("Mobile number: enter the number."),
    gettext_noop("Mobile number: only mainland China numbers (+86) are accepted."),
    gettext_noop("Mobile number: use digits only, optionally with +86, spaces or hyphens."),
    gettext_noop("Mobile number: it must have 11 digits (found %(length)s)."),
    gettext_noop("Mobile number: a mainland mobile number starts with 13 to 19."),
    gettext_noop("Licence plate: enter the plate number."),
    gettext_noop("Licence plate: it must have 7 characters, or 8 for a new-energy vehicle (found %(length)s)."),
    gettext_noop("Licence plate: %(char)s is not the abbreviation of a mainland province."),
    gettext_noop("Licence plate: the second character must be an issuing-authority letter (A to Z, not I)."),
    gettext_noop("Licence plate: the letters I and O are not used in the serial number."),
    gettext_noop(
        "Licence plate: %(serial)s is not a new-energy serial number (small vehicles: D, F or another type letter, a letter or digit, then 4 digits; large vehicles: 5 digits, then D or F)."
    ),
    gettext_noop("Licence plate: Hong Kong and Macao plates (港/澳) are issued only as 粤Z."),
    gettext_noop("Licence plate: %(serial)s is not a valid serial number."),
]
