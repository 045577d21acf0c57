"""DICOM de-identification by allow-list: what of a DICOM WSI instance may reach the portal.

Pure functions over pydicom datasets, no ORM. An instance fetched from a PACS (or pushed to the
portal) is never written to disk as it came: `deidentify` builds a *new* dataset holding only
the attributes in `ALLOWED` (what OpenSlide and the viewer's scale need: matrix sizes, frame
layout, pixel encoding, pixel spacing, objective power, optical path basics) plus the pixel
data, with fresh UIDs that name no site. Everything else, private blocks included, is left
behind by construction. `BASIC_PROFILE` lists the attributes of DICOM PS3.15 Annex E's Basic
Application Level Confidentiality Profile (Table E.1-1) that WSI series carry; the tests check
that none of them is allowed, so the reference list and the allow-list cannot drift together.

LABEL and OVERVIEW (and THUMBNAIL) instances are never kept: `is_storable` is true only for
VOLUME images. The accession number is kept only as a keyed hash (`accession_hash`), to warn
that a case was imported before without storing the link in the clear.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.crypto import salted_hmac

WSI_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.77.1.6"  # VL Whole Slide Microscopy Image Storage
ACCESSION_SALT = "slides.dicom_deid.accession"

# Attributes that survive. A value of None keeps the element; a mapping keeps a sequence whose
# items are filtered by that mapping in turn.
_CODE: Mapping[str, Any] = {
    "CodeValue": None,
    "CodingSchemeDesignator": None,
    "CodeMeaning": None,
}
ALLOWED: Mapping[str, Any] = {
    "SOPClassUID": None,
    "Modality": None,
    "ImageType": None,
    "InstanceNumber": None,
    "SamplesPerPixel": None,
    "PhotometricInterpretation": None,
    "PlanarConfiguration": None,
    "Rows": None,
    "Columns": None,
    "BitsAllocated": None,
    "BitsStored": None,
    "HighBit": None,
    "PixelRepresentation": None,
    "NumberOfFrames": None,
    "LossyImageCompression": None,
    "LossyImageCompressionRatio": None,
    "LossyImageCompressionMethod": None,
    "BurnedInAnnotation": None,
    "SpecimenLabelInImage": None,
    "VolumetricProperties": None,
    "FocusMethod": None,
    "ExtendedDepthOfField": None,
    "ImageOrientationSlide": None,
    "DimensionOrganizationType": None,
    "TotalPixelMatrixColumns": None,
    "TotalPixelMatrixRows": None,
    "TotalPixelMatrixFocalPlanes": None,
    "TotalPixelMatrixOriginSequence": {
        "XOffsetInSlideCoordinateSystem": None,
        "YOffsetInSlideCoordinateSystem": None,
    },
    "ImagedVolumeWidth": None,
    "ImagedVolumeHeight": None,
    "ImagedVolumeDepth": None,
    "NumberOfOpticalPaths": None,
    "OpticalPathSequence": {
        "OpticalPathIdentifier": None,
        "ObjectiveLensPower": None,
        "IlluminationTypeCodeSequence": _CODE,
        "IlluminationColorCodeSequence": _CODE,
        "ICCProfile": None,
    },
    "SharedFunctionalGroupsSequence": {
        "PixelMeasuresSequence": {
            "PixelSpacing": None,
            "SliceThickness": None,
            "SpacingBetweenSlices": None,
        },
        "WholeSlideMicroscopyImageFrameTypeSequence": {"FrameType": None},
        "OpticalPathIdentificationSequence": {"OpticalPathIdentifier": None},
    },
    # TILED_SPARSE series place each frame here; OpenSlide needs the positions.
    "PerFrameFunctionalGroupsSequence": {
        "PlanePositionSlideSequence": {
            "ColumnPositionInTotalImagePixelMatrix": None,
            "RowPositionInTotalImagePixelMatrix": None,
            "XOffsetInSlideCoordinateSystem": None,
            "YOffsetInSlideCoordinateSystem": None,
            "ZOffsetInSlideCoordinateSystem": None,
        },
        "OpticalPathIdentificationSequence": {"OpticalPathIdentifier": None},
    },
}
# Free text that may name a stain as easily as a patient: never copied into a stored instance,
# only shown to the reviewing educator (`reviewable_descriptions`), who may keep it by hand.
REVIEWABLE = ("SpecimenShortDescription", "SpecimenDetailedDescription")

#: PS3.15 Annex E, Table E.1-1, basic profile: attributes to remove, empty or replace, as far as
#: a WSI series carries them. None of them may appear in `ALLOWED`, at any depth.
BASIC_PROFILE: frozenset[str] = frozenset(
    """
    AccessionNumber AcquisitionComments AcquisitionContextSequence AcquisitionDate
    AcquisitionDateTime AcquisitionDeviceProcessingDescription AcquisitionTime
    AdditionalPatientHistory AdmittingDiagnosesDescription ConcatenationUID
    ContainerIdentifier ContentCreatorName ContentDate ContentSequence ContentTime
    ContributionDescription CurrentPatientLocation DerivationDescription DeviceSerialNumber
    DeviceUID DimensionOrganizationUID FrameOfReferenceUID IconImageSequence ImageComments
    InstanceCreationDate InstanceCreationTime InstanceCreatorUID InstitutionAddress
    InstitutionName InstitutionalDepartmentName IssuerOfAdmissionIDSequence
    IssuerOfPatientID IssuerOfTheContainerIdentifierSequence MedicalRecordLocator
    NameOfPhysiciansReadingStudy OperatorsName OtherPatientIDs OtherPatientIDsSequence
    OtherPatientNames PatientAddress PatientAge PatientBirthDate PatientBirthName
    PatientBirthTime PatientComments PatientID PatientMotherBirthName PatientName
    PatientSex PatientSize PatientTelephoneNumbers PatientWeight
    PerformedProcedureStepDescription PerformedProcedureStepID
    PerformedProcedureStepStartDate PerformingPhysicianName PhysiciansOfRecord
    ReferencedImageSequence ReferencedPatientSequence ReferencedStudySequence
    ReferringPhysicianName RequestAttributesSequence RequestingPhysician SOPInstanceUID
    SOPInstanceUIDOfConcatenationSource SeriesDate SeriesDescription SeriesInstanceUID
    SeriesTime SpecimenAccessionNumber SpecimenDetailedDescription SpecimenIdentifier
    SpecimenShortDescription SpecimenUID StationName StudyDate StudyDescription StudyID
    StudyInstanceUID StudyTime TextString TimezoneOffsetFromUTC
    """.split()
)


def allowed_keywords(tree: Mapping[str, Any] = ALLOWED) -> set[str]:
    """Every keyword `tree` lets through, at any depth."""
    found: set[str] = set()
    for keyword, children in tree.items():
        found.add(keyword)
        if children is not None:
            found |= allowed_keywords(children)
    return found


def image_flavour(ds: Any) -> str:
    """VOLUME, LABEL, OVERVIEW, THUMBNAIL (or "" if ImageType says nothing)."""
    image_type = ds.get("ImageType") or []
    return str(image_type[2]).upper() if len(image_type) > 2 else ""


def is_storable(ds: Any) -> bool:
    """Only whole-slide VOLUME images may be kept; labels and overviews show the patient."""
    return str(ds.get("SOPClassUID", "")) == WSI_SOP_CLASS and image_flavour(ds) == "VOLUME"


def has_burned_in_annotation(ds: Any) -> bool:
    """Whether the instance declares text burned into its pixels (review must warn)."""
    return str(ds.get("BurnedInAnnotation", "")).upper() == "YES"


def frames_disagree(ds: Any) -> str:
    """Why a TILED_FULL instance's frame count cannot be right for its matrix and frame size
    (frames per focal plane and optical path), for a person to read; "" when it agrees or the
    instance does not say enough to tell (OpenSlide then judges it)."""
    if str(ds.get("DimensionOrganizationType", "TILED_FULL") or "TILED_FULL") != "TILED_FULL":
        return ""
    try:
        frame_width, frame_height = int(ds.Columns), int(ds.Rows)
        width, height = int(ds.TotalPixelMatrixColumns), int(ds.TotalPixelMatrixRows)
        frames = int(ds.get("NumberOfFrames", 1) or 1)
        planes = int(ds.get("TotalPixelMatrixFocalPlanes", 1) or 1)
        paths = int(ds.get("NumberOfOpticalPaths", 1) or 1)
    except (AttributeError, TypeError, ValueError):
        return ""
    if min(frame_width, frame_height, width, height) <= 0:
        return "An image of the series gives a size of zero."
    needed = -(-width // frame_width) * -(-height // frame_height) * planes * paths
    if frames == needed:
        return ""
    return (
        f"An image of the series has {frames:,} frames, but its size ({width:,} × {height:,} "
        f"pixels in frames of {frame_width} × {frame_height}) needs {needed:,}: the PACS sent "
        "a damaged or inconsistent series."
    )


def accession_hash(accession_number: str, *, secret_key: str) -> str:
    """A keyed hash of an accession number: equal numbers give equal hashes under one key, and
    nothing without the key links a hash to its number. Empty stays empty."""
    cleaned = accession_number.strip().upper()
    if not cleaned:
        return ""
    return salted_hmac(ACCESSION_SALT, cleaned, secret=secret_key, algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class NewUids:
    """UIDs that replace the site's, one set per imported series (OpenSlide groups instances by
    SeriesInstanceUID). Made with pydicom's `generate_uid()` (its own root, random suffix)."""

    study: str
    series: str
    frame_of_reference: str

    @classmethod
    def fresh(cls) -> NewUids:
        from pydicom.uid import generate_uid

        return cls(study=generate_uid(), series=generate_uid(), frame_of_reference=generate_uid())

    @classmethod
    def for_key(cls, key: str) -> NewUids:
        """The same UIDs for the same (random, private) key: a resumed import keeps its series
        together. The key must itself identify nothing (an import's own random UUID)."""
        from pydicom.uid import generate_uid

        def uid(part: str) -> str:
            return str(generate_uid(entropy_srcs=["slides.dicom_deid", key, part]))

        return cls(study=uid("study"), series=uid("series"), frame_of_reference=uid("frame"))


def _copy_allowed(source: Any, target: Any, tree: Mapping[str, Any]) -> None:
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    for element in source:
        if element.tag.is_private or element.keyword not in tree:
            continue
        children = tree[element.keyword]
        if children is None:
            target.add(element)
            continue
        items = []
        for item in element.value or []:
            copied = Dataset()
            _copy_allowed(item, copied, children)
            items.append(copied)
        setattr(target, element.keyword, Sequence(items))


def reviewable_descriptions(ds: Any) -> list[str]:
    """The specimen descriptions an educator may choose to keep at review (free text)."""
    found = []
    for item in ds.get("SpecimenDescriptionSequence") or []:
        for keyword in REVIEWABLE:
            value = str(item.get(keyword) or "").strip()
            if value and value not in found:
                found.append(value)
    return found


def deidentify(ds: Any, *, uids: NewUids) -> Any:
    """A new dataset from a VOLUME instance: allow-listed attributes, its pixel data, new UIDs.

    Raises ValueError for an instance that must not be stored at all (`is_storable`).
    """
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import generate_uid

    if not is_storable(ds):
        raise ValueError("only VOLUME whole-slide instances are stored")
    clean = Dataset()
    _copy_allowed(ds, clean, ALLOWED)
    sop = generate_uid()
    clean.SOPInstanceUID = sop
    clean.StudyInstanceUID = uids.study
    clean.SeriesInstanceUID = uids.series
    clean.FrameOfReferenceUID = uids.frame_of_reference
    clean.PixelData = ds.PixelData
    clean["PixelData"].VR = ds["PixelData"].VR
    clean["PixelData"].is_undefined_length = ds["PixelData"].is_undefined_length
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = sop
    meta.TransferSyntaxUID = ds.file_meta.TransferSyntaxUID
    clean.file_meta = meta
    return clean
