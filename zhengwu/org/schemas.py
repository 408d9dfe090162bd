from __future__ import annotations

from ninja import Field, Schema


class RegionOut(Schema):
    id: int
    code: str
    name: str
    level: str
    kind: str
    parent_id: int | None


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    short_name: str


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code_masked: str
    legal_representative: str
    region_id: int | None


class EnterpriseIn(Schema):
    credit_code: str = Field(..., description="统一社会信用代码(18位)")
    name: str = Field(..., min_length=1, max_length=128)
    legal_representative: str = ""
    region_code: str | None = None


class PersonIn(Schema):
    name: str = Field(..., min_length=1, max_length=32)
    id_number: str
    phone: str = ""


class PersonOut(Schema):
    id: int
    name_masked: str
    id_number_masked: str
    phone_masked: str


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    department_id: int | None
    region_id: int | None
    enterprise_id: int | None
