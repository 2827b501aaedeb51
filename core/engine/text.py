"""Plain-text rendering of values inside reasons (Chinese, as the policy texts write them).

Reasons are sentences the engine writes; locale-aware formatting of the amounts shown in the UI and
the PDF happens at the edge (core/i18n). Here a value is written the way the clause writes its
threshold, so `5000 万元` in the text and in the reason read alike.
"""
from __future__ import annotations

from decimal import Decimal

from core.decimals import money_context
from core.measures.facts import FactSpec, label_and_unit, lookup, parse_concrete
from core.measures.vocabulary import PROJECT_TYPES

WAN = Decimal(10000)


def plain(number: Decimal) -> str:
    """Decimal without exponent or trailing zeros: 1E+3 → 1000, 0.250 → 0.25."""
    with money_context():     # normalize rounds to the context's digits: keep them all
        return format(number.normalize(), "f")


YI = Decimal(100000000)


def money(amount: Decimal | int) -> str:
    """Yuan as the texts write them: 亿元 from 100 million up (20 亿元), 万元 from 10,000 up, 元 below."""
    amount = Decimal(amount)
    with money_context():     # the divisions stay exact for every valid figure
        # at most 4 decimals in 亿元 (read from the exponent: quantize would need every digit)
        exponent = (amount / YI).normalize().as_tuple().exponent
        if abs(amount) >= YI and isinstance(exponent, int) and exponent >= -4:
            return f"{plain(amount / YI)} 亿元"
        if abs(amount) >= WAN:
            return f"{plain(amount / WAN)} 万元"
        return f"{plain(amount)} 元"


def quantity(value, unit: str | None) -> str:
    """A value with its unit: money in 万元/元, fractions as percent, others as given."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
        if unit == "元":
            return money(number)
        if unit == "%":
            with money_context():
                return f"{plain(number * 100)}%"
        return f"{plain(number)} {unit}" if unit else plain(number)
    return str(value)


def percent(fraction: Decimal) -> str:
    # A ratio of valid figures can still be vast (growth from 5e-324 to 1): quantize needs a digit
    # for every place down to 0.0001.
    with money_context(fraction):
        return f"{plain(fraction.quantize(Decimal('0.0001')) * 100)}%"


# Chinese names of the profile's enumerated values, for reasons ("物业产权：政府产权").
VALUE_LABELS = {
    # key support fields (company.fields)
    "safety_emergency": "安全应急", "energy_saving": "节能", "environmental_protection": "环保",
    "resource_recycling": "资源循环利用", "carbon_management": "碳管理服务",
    "clean_energy": "清洁能源", "new_energy": "新能源", "new_energy_vehicle": "新能源汽车",
    "intelligent_connected_vehicle": "智能网联汽车", "ecological_environment": "生态环境",
    "green_infrastructure": "基础设施绿色升级", "green_low_carbon_service": "绿色低碳服务",
    "clean_energy.pv": "清洁能源（光伏）", "clean_energy.wind": "清洁能源（风电）",
    "clean_energy.nuclear": "清洁能源（核电）", "clean_energy.hydrogen": "清洁能源（氢能）",
    "clean_energy.energy_storage": "清洁能源（储能）", "clean_energy.smart_grid": "清洁能源（智能电网）",
    "clean_energy.emerging": "清洁能源（新兴领域）",
    # districts
    "futian": "福田区", "luohu": "罗湖区", "yantian": "盐田区", "nanshan": "南山区",
    "baoan": "宝安区", "longgang": "龙岗区", "longhua": "龙华区", "pingshan": "坪山区",
    "guangming": "光明区", "dapeng": "大鹏新区", "shenshan": "深汕特别合作区",
    # entity types
    "enterprise": "企业", "public_institution": "事业单位", "social_organization": "社会团体",
    "private_non_enterprise": "民办非企业单位", "individual_business": "个体工商户",
    # property
    "social": "社会物业", "personal": "个人产权", "government": "政府产权",
    # PV technology
    "conventional": "常规光伏", "thin_film": "薄膜光伏",
    # near-zero-carbon zone scope
    "comprehensive": "综合类", "pure_pv": "单纯分布式光伏", "pv_storage_dc_flexible": "光储直柔",
    "building_retrofit": "既有建筑节能改造", "green_building": "高标准绿色建筑",
    # business lines
    "brand_car_sales": "品牌汽车销售", "used_car_sales": "二手汽车销售",
    "jewelry_resale_platform": "二手珠宝交易平台", "gold_buyback": "黄金回购",
    "carbon_service": "碳管理服务", "energy_service": "能源服务（能源托管、合同能源管理）",
    "export_car_shipping": "承运出口汽车的船公司", "education_institution": "高等院校、职业院校等办学机构",
    "research_institution": "科研机构", "exhibition_organizer": "展会、论坛主办或承办方",
    "park_operator": "产业园区运营主体", "recycling_network_operator": "再生资源回收网点运营",
    # recognitions already held (company.recognitions)
    "first_set_equipment_catalog": "安全应急首台（套）技术装备纳入国家、省或市首台（套）目录",
    "municipal_recycling_demo_enterprise": "市级废旧物资示范企业",
    "climate_finance_project_library": "国家（深圳）气候投融资项目库入库项目",
    "blue_sky_award": "蓝天奖",
    # standards[].kind
    "standard": "标准", "metrology_spec": "国家计量技术规范", "verification_regulation": "检定规程",
}





def value_label(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return VALUE_LABELS.get(value) or PROJECT_TYPES.get(value, value)
    return str(value)


def value_list(values) -> str:
    return "、".join(value_label(v) for v in values)


# -- facts in words ------------------------------------------------------------------------------
# Reasons name a fact by the form's label, never by its path (issue 14: "no fact paths").

_TEMPLATE_WORDS = (("{last_year-2}", "再前一年度"), ("{last_year-1}", "前一年度"),
                   ("{last_year}", "上一年度"))


def _label(spec: FactSpec | None, fallback: str) -> tuple[str, str | None]:
    return label_and_unit((spec.description if spec is not None else "") or fallback)


def fact_unit(path: str) -> str | None:
    """The unit the form shows beside a fact (千瓦时 for generation), or None."""
    return _label(lookup(parse_concrete(path).generic), path)[1]


def fact_label(path: str) -> str:
    """A fact as the form names it: project.generation_kwh.2024 → 2024 年实际发电量.

    Year templates read as words (上一年度), concrete years as numbers; a list item's field reads
    as `碳足迹标识认证证书第 1 项的取得证书日期`.
    """
    parts = parse_concrete(path)
    spec = lookup(parts.generic)
    if parts.index is not None and parts.field is not None:
        owner = _label(spec, parts.generic)[0]
        field = _label(spec.item_fields.get(parts.field) if spec is not None else None, parts.field)[0]
        return f"{owner}第 {parts.index + 1} 项的{field}"
    label = _label(spec, path.rsplit(".", 1)[-1])[0]
    if parts.year:
        return f"{parts.year} 年{label}"
    words = next((w for template, w in _TEMPLATE_WORDS if template in path), "")
    return f"{words}{label}"
