"""Chinese names of the profile's closed-list values: one table for the form, the reasons, the
browser and the kiosk.

Data strings in Simplified Chinese, as the schema's own labels: the window shows them through
core.i18n's policy-text conversion, like the policy texts.
"""
from __future__ import annotations

from core.measures.vocabulary import PROJECT_TYPES

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


# Where the same key means different things in different lists (national: 国家 for a standard,
# 国家级 for a title), or a list's values are named nowhere else: keyed by the generic field path;
# every other value falls back to VALUE_LABELS.
FIELD_VALUE_LABELS: dict[str, dict[str, str]] = {
    "project.type": PROJECT_TYPES,
    "company.carbon_footprint_certificates.scheme": {"gba": "粤港澳大湾区碳足迹标识"},
    "company.standards.level": {"international": "国际", "national": "国家", "industry": "行业",
                                "local": "地方", "group": "团体"},
    "company.standards.role": {"lead": "主导", "participate": "参与"},
    "company.standards.domain": {"safety_emergency": "安全应急", "carbon_footprint": "碳足迹",
                                 "carbon_metrology": "碳计量", "green_low_carbon": "绿色低碳"},
    "company.innovation_carriers.kind": {
        "national_engineering_research_center": "国家工程研究中心",
        "national_enterprise_technology_center": "国家企业技术中心",
        "national_key_laboratory": "国家重点实验室",
        "national_innovation_center": "国家产业/技术/制造业创新中心",
        "municipal_engineering_research_center": "市级工程研究中心",
        "public_technology_service_platform": "公共技术服务平台",
        "municipal_enterprise_technology_center": "市级企业技术中心",
        "key_laboratory": "重点实验室（省级、市级）",
    },
    "project.titles.level": {"national": "国家级", "provincial": "省级", "municipal": "市级",
                             "district": "区级"},
    "project.titles.kind": {"demonstration": "示范", "pilot": "试点",
                            "near_zero_carbon_pilot": "近零碳排放区试点",
                            "green_data_center": "绿色数据中心"},
    "project.building_labels.kind": {"ultra_low_energy": "超低能耗", "near_zero_energy": "近零能耗",
                                     "zero_energy": "零能耗", "near_zero_carbon": "近零碳",
                                     "zero_carbon": "零碳"},
    "project.building_labels.level": {"national": "国家级", "provincial": "省级",
                                      "municipal": "市级"},
}


def label_of(value: str, path: str | None = None) -> str:
    """The Chinese name of `value` in the list at the generic field `path` (or any list)."""
    own = FIELD_VALUE_LABELS.get(path or "", {})
    return own.get(value) or VALUE_LABELS.get(value) or PROJECT_TYPES.get(value, value)


def enum_labels(path: str, values) -> dict[str, str]:
    """Chinese names of a closed list's values, keyed by value."""
    return {v: label_of(v, path) for v in values}
