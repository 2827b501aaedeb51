"""Closed value lists of the measures data (the profile's own lists live in its JSON Schema)."""
from __future__ import annotations

LEVELS = ("municipal", "district")
REGIONS = ("shenzhen", "futian", "luohu", "yantian", "nanshan", "baoan", "longgang", "longhua",
           "pingshan", "guangming", "dapeng", "shenshan")
SCRIPTS = ("zh-Hans", "zh-Hant")

SUPPORT_KINDS = {
    "funding": "资助",
    "subsidy": "补贴",
    "award": "奖励",
    "support": "扶持/支持",
    "interest_subsidy": "贴息",
    "matching": "配套",
    "policy_reference": "按相关政策",
    "non_financial": "非资金支持",
}

# Project types: the contract's list (shared/contract/profile-format.md), closed here so that a
# typo in the data is caught; extend both together.
PROJECT_TYPES = {
    "distributed_pv": "分布式光伏",
    "super_charging_station": "超级快充站",
    "integrated_energy": "综合能源解决方案",
    "vpp_aggregation": "虚拟电厂资源聚合平台",
    "green_building": "绿色建筑",
    "near_zero_carbon_zone": "近零碳排放区",
    "data_center_energy_saving": "数据中心节能",
    "base_station_energy_saving": "基站节能",
    "transformer_replacement": "变压器更换",
    "resource_recycling_demo": "资源循环利用示范",
    "battery_recycling_demo": "废旧电池综合利用示范",
    "four_new_demo": "“四新”应用示范",
    "tech_commercialization": "技术成果转化和产业化",
    "hydrogen_station": "加氢站",
    "hydrogen_demo": "氢能示范",
    "energy_storage_demo": "储能示范",
    "microgrid_demo": "微电网示范",
    "v2g_demo": "车网互动示范",
    "charging_upgrade": "充电设施智能化改造",
    "energy_trusteeship": "能源费用托管",
    "central_ac_emc": "集中空调合同能源管理",
    "online_monitoring": "在线监测",
    "green_data_center": "绿色数据中心",
    "vpp_load_retrofit": "负荷侧场景智能化改造（接入虚拟电厂）",
}

# support: something a company or project applies for; statement: a target, task or principle.
ROLES = ("support", "statement")

# Criterion operators and benefit formulas are registries with their own rules:
# core.engine.operators.OPERATORS and core.engine.amounts.FORMULAS.
COMPARE_OPS = ("eq", "ne", "gt", "ge", "lt", "le")
CONDITION_OPS = COMPARE_OPS + ("in", "not_in", "in_year", "on_or_after", "on_or_before")
DATE_REFERENCES = ("valid_from", "valid_to", "as_of")
SUBJECT_REFERENCE = "$subject"      # in a list-item condition: the id of the project evaluated
YEAR_REFERENCES = ("last_year", "last_year-1", "last_year-2")

CAP_SCOPES = ("subject", "company_year", "one_off")
STACKING_SCOPES = ("same_class",)
UNITS = ("元", "千瓦", "千瓦时", "公斤/日", "千伏", "年", "%", "项", "张", "平方米")
