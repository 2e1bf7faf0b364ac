"""Reference data for the demo data set (see ``demo.py``): real agencies and substances,
fictitious people, companies, websites, shipments and accounts, and bilingual templates.

Every company, person, website, shipment and account here is invented. Web and e-mail
addresses use the reserved ``.example`` top-level domain (RFC 2606) and US telephone
numbers the fictional 555-01xx range, so no demo record points at a real site, mailbox or
line. Agencies and substances are real; CAS numbers are checked by the tests.
"""

from __future__ import annotations

# --- agencies ------------------------------------------------------------------------------
# abbreviation, side, English name, Chinese name, e-mail domain (reserved .example)
AGENCIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("DEA", "US", "Drug Enforcement Administration", "美国缉毒局", "dea.example"),
    ("HSI", "US", "Homeland Security Investigations", "美国国土安全调查局", "hsi.example"),
    ("CBP", "US", "U.S. Customs and Border Protection", "美国海关与边境保护局", "cbp.example"),
    ("FBI", "US", "Federal Bureau of Investigation", "美国联邦调查局", "fbi.example"),
    ("DOJ", "US", "U.S. Department of Justice", "美国司法部", "usdoj.example"),
    (
        "State INL",
        "US",
        "Bureau of International Narcotics and Law Enforcement Affairs, U.S. Department of State",
        "美国国务院国际麻醉品和执法事务局",
        "state.example",
    ),
    (
        "FinCEN",
        "US",
        "Financial Crimes Enforcement Network, U.S. Department of the Treasury",
        "美国财政部金融犯罪执法网络",
        "fincen.example",
    ),
    (
        "OFAC",
        "US",
        "Office of Foreign Assets Control, U.S. Department of the Treasury",
        "美国财政部海外资产控制办公室",
        "treasury.example",
    ),
    ("FDA", "US", "U.S. Food and Drug Administration", "美国食品药品监督管理局", "fda.example"),
    (
        "ONDCP",
        "US",
        "Office of National Drug Control Policy, The White House",
        "白宫国家毒品控制政策办公室",
        "ondcp.example",
    ),
    ("MPS", "PRC", "Ministry of Public Security", "公安部", ""),
    ("MPS NCB", "PRC", "Narcotics Control Bureau, Ministry of Public Security", "公安部禁毒局", ""),
    ("NNCC", "PRC", "National Narcotics Control Commission", "国家禁毒委员会", ""),
    ("GACC", "PRC", "General Administration of Customs", "海关总署", ""),
    ("NMPA", "PRC", "National Medical Products Administration", "国家药品监督管理局", ""),
    ("SAMR", "PRC", "State Administration for Market Regulation", "国家市场监督管理总局", ""),
    ("CAC", "PRC", "Cyberspace Administration of China", "国家互联网信息办公室", ""),
    ("PBOC", "PRC", "People's Bank of China", "中国人民银行", ""),
)

# --- contacts (fictitious people) ---------------------------------------------------------
# agency, name (EN), name (ZH), position (EN), position (ZH), US only
CONTACTS: tuple[tuple[str, str, str, str, str, bool], ...] = (
    (
        "ONDCP",
        "Patricia Lee",
        "帕特里夏·李",
        "Deputy Director",
        "副主任",
        False,
    ),
    (
        "ONDCP",
        "Mark Jensen",
        "马克·詹森",
        "Senior Policy Advisor, International Affairs",
        "国际事务高级政策顾问",
        False,
    ),
    (
        "State INL",
        "Rachel Coleman",
        "雷切尔·科尔曼",
        "Deputy Assistant Secretary",
        "副助理国务卿",
        False,
    ),
    (
        "State INL",
        "Kevin Price",
        "凯文·普赖斯",
        "Senior Advisor, Office of Global Programs and Policy",
        "全球项目与政策办公室高级顾问",
        False,
    ),
    (
        "State INL",
        "Angela Ortiz",
        "安吉拉·奥尔蒂斯",
        "Counternarcotics Officer, U.S. Embassy Beijing",
        "美国驻华大使馆禁毒事务官员",
        False,
    ),
    (
        "DEA",
        "Michael Carter",
        "迈克尔·卡特",
        "Country Attaché, Beijing Country Office",
        "驻北京办事处国别专员",
        False,
    ),
    (
        "DEA",
        "Sarah Nguyen",
        "莎拉·阮",
        "Staff Coordinator, Office of International Operations",
        "国际行动办公室协调员",
        False,
    ),
    (
        "DEA",
        "David Reynolds",
        "戴维·雷诺兹",
        "Section Chief, Diversion Control Division",
        "管制药品流弊管控处科长",
        False,
    ),
    (
        "DEA",
        "Christopher Allen",
        "克里斯托弗·艾伦",
        "Intelligence Research Specialist",
        "情报研究专员",
        True,
    ),
    (
        "HSI",
        "Jennifer Brooks",
        "珍妮弗·布鲁克斯",
        "Attaché, HSI Beijing",
        "国土安全调查局驻北京专员",
        False,
    ),
    (
        "HSI",
        "Robert Morales",
        "罗伯特·莫拉莱斯",
        "Unit Chief, Illicit Narcotics Unit",
        "非法麻醉品调查组组长",
        False,
    ),
    (
        "CBP",
        "Emily Sullivan",
        "埃米莉·沙利文",
        "Director, National Targeting Center",
        "国家目标锁定中心主任",
        False,
    ),
    (
        "CBP",
        "James Walsh",
        "詹姆斯·沃尔什",
        "Attaché, CBP Beijing",
        "海关与边境保护局驻北京专员",
        False,
    ),
    (
        "FBI",
        "Daniel Bennett",
        "丹尼尔·贝内特",
        "Legal Attaché, Beijing",
        "驻北京法务专员",
        False,
    ),
    (
        "FBI",
        "Laura Kim",
        "劳拉·金",
        "Supervisory Special Agent, Transnational Organized Crime",
        "跨国有组织犯罪督察特别探员",
        True,
    ),
    (
        "DOJ",
        "Karen Foster",
        "卡伦·福斯特",
        "Director, Office of International Affairs, Criminal Division",
        "刑事司国际事务办公室主任",
        False,
    ),
    (
        "DOJ",
        "Thomas Hughes",
        "托马斯·休斯",
        "Trial Attorney, Narcotic and Dangerous Drug Section",
        "麻醉品与危险药物科出庭律师",
        False,
    ),
    (
        "FinCEN",
        "Brian Hayes",
        "布赖恩·海斯",
        "Senior Intelligence Analyst, Global Investigations Division",
        "全球调查处高级情报分析员",
        True,
    ),
    (
        "OFAC",
        "Maria Patel",
        "玛丽亚·帕特尔",
        "Sanctions Investigator, Counter Narcotics Section",
        "禁毒制裁科制裁调查员",
        False,
    ),
    (
        "FDA",
        "Steven Wright",
        "史蒂文·赖特",
        "Special Agent, Office of Criminal Investigations",
        "刑事调查办公室特别探员",
        False,
    ),
    (
        "NNCC",
        "Huang Guoqing",
        "黄国庆",
        "Deputy Secretary-General",
        "副秘书长",
        False,
    ),
    (
        "NNCC",
        "Zhou Hongmei",
        "周红梅",
        "Division Director, Office of the Commission",
        "国家禁毒委员会办公室处长",
        False,
    ),
    (
        "MPS",
        "Wang Jianguo",
        "王建国",
        "Deputy Director-General, International Cooperation Department",
        "国际合作局副局长",
        False,
    ),
    (
        "MPS",
        "Liu Haitao",
        "刘海涛",
        "Division Director, International Cooperation Department",
        "国际合作局处长",
        False,
    ),
    (
        "MPS NCB",
        "Li Zhiqiang",
        "李志强",
        "Director-General",
        "局长",
        False,
    ),
    (
        "MPS NCB",
        "Zhang Xiaoming",
        "张晓明",
        "Deputy Director-General",
        "副局长",
        False,
    ),
    (
        "MPS NCB",
        "Chen Lihua",
        "陈丽华",
        "Division Director, Precursor Chemicals Control Division",
        "易制毒化学品管控处处长",
        False,
    ),
    (
        "MPS NCB",
        "Yang Wenjing",
        "杨文静",
        "Deputy Division Director, Intelligence Division",
        "情报处副处长",
        False,
    ),
    (
        "MPS NCB",
        "Zhao Zhenhua",
        "赵振华",
        "Principal Staff Member, International Cooperation Division",
        "国际合作处主任科员",
        False,
    ),
    (
        "GACC",
        "Wu Lei",
        "吴磊",
        "Deputy Director-General, Anti-Smuggling Bureau",
        "缉私局副局长",
        False,
    ),
    (
        "GACC",
        "Xu Jing",
        "徐静",
        "Division Director, Anti-Smuggling Bureau",
        "缉私局处长",
        False,
    ),
    (
        "GACC",
        "Sun Minghui",
        "孙明辉",
        "Deputy Division Director, Department of Port Control",
        "口岸监管司副处长",
        False,
    ),
    (
        "NMPA",
        "Ma Yanan",
        "马亚楠",
        "Division Director, Department of Drug Regulation",
        "药品监督管理司处长",
        False,
    ),
    (
        "NMPA",
        "Hu Shuheng",
        "胡书恒",
        "Consultant, Department of International Cooperation",
        "国际合作司调研员",
        False,
    ),
    (
        "SAMR",
        "Guo Lixin",
        "郭立新",
        "Deputy Division Director, Department of Online Transaction Supervision",
        "网络交易监督管理司副处长",
        False,
    ),
    (
        "SAMR",
        "He Wei",
        "何伟",
        "Division Director, Department of Product Quality and Safety Supervision",
        "产品质量安全监督管理司处长",
        False,
    ),
    (
        "CAC",
        "Luo Xiaofeng",
        "罗晓峰",
        "Deputy Division Director, Bureau of Cyberspace Law Enforcement and Supervision",
        "网络执法与监督局副处长",
        False,
    ),
    (
        "CAC",
        "Gao Ting",
        "高婷",
        "Division Director, Bureau of International Cooperation",
        "国际合作局处长",
        False,
    ),
    (
        "PBOC",
        "Lin Zhiyuan",
        "林志远",
        "Deputy Director-General, Anti-Money Laundering Bureau",
        "反洗钱局副局长",
        False,
    ),
    (
        "PBOC",
        "Zheng Hui",
        "郑慧",
        "Division Director, China Anti-Money Laundering Monitoring and Analysis Center",
        "中国反洗钱监测分析中心处长",
        False,
    ),
)

# --- Chinese companies (fictitious) --------------------------------------------------------
# region code (county level, GB/T 2260), Chinese name, English name, kind
CN_COMPANIES: tuple[tuple[str, str, str, str], ...] = (
    ("420103", "武汉远丰化工贸易有限公司", "Wuhan Yuanfeng Chemical Trading Co., Ltd.", "chem"),
    ("420111", "湖北鑫瑞达生物科技有限公司", "Hubei Xinruida Biotechnology Co., Ltd.", "pharma"),
    (
        "310115",
        "上海恒博医药科技有限公司",
        "Shanghai Hengbo Pharmaceutical Technology Co., Ltd.",
        "pharma",
    ),
    ("130102", "石家庄华晟化工有限公司", "Shijiazhuang Huasheng Chemical Co., Ltd.", "chem"),
    ("130502", "邢台正辉新材料有限公司", "Xingtai Zhenghui New Materials Co., Ltd.", "chem"),
    (
        "440111",
        "广州市天粤进出口贸易有限公司",
        "Guangzhou Tianyue Import & Export Trading Co., Ltd.",
        "chem",
    ),
    (
        "440304",
        "深圳市宏泰供应链管理有限公司",
        "Shenzhen Hongtai Supply Chain Management Co., Ltd.",
        "logistics",
    ),
    ("320115", "南京康瑞化学品有限公司", "Nanjing Kangrui Chemicals Co., Ltd.", "chem"),
    ("370112", "济南泰和精细化工有限公司", "Jinan Taihe Fine Chemical Co., Ltd.", "pharma"),
    ("410105", "郑州佳诚生物技术有限公司", "Zhengzhou Jiacheng Biotechnology Co., Ltd.", "chem"),
    ("330108", "杭州瑞驰化工有限公司", "Hangzhou Ruichi Chemical Co., Ltd.", "chem"),
    (
        "510107",
        "成都蓉新医药中间体有限公司",
        "Chengdu Rongxin Pharmaceutical Intermediates Co., Ltd.",
        "pharma",
    ),
    ("430104", "长沙汇鼎贸易有限公司", "Changsha Huiding Trading Co., Ltd.", "chem"),
    (
        "120116",
        "天津滨海瑞丰国际物流有限公司",
        "Tianjin Binhai Ruifeng International Logistics Co., Ltd.",
        "logistics",
    ),
    (
        "350206",
        "厦门东联货运代理有限公司",
        "Xiamen Donglian Freight Forwarding Co., Ltd.",
        "logistics",
    ),
    (
        "330782",
        "义乌市达盛机械设备有限公司",
        "Yiwu Dasheng Machinery Equipment Co., Ltd.",
        "machinery",
    ),
    (
        "330381",
        "瑞安市恒力制药机械有限公司",
        "Rui'an Hengli Pharmaceutical Machinery Co., Ltd.",
        "machinery",
    ),
    ("610113", "西安康华生物科技有限公司", "Xi'an Kanghua Biotechnology Co., Ltd.", "chem"),
    ("340104", "合肥新锐化工科技有限公司", "Hefei Xinrui Chemical Technology Co., Ltd.", "chem"),
    (
        "320506",
        "苏州博远新材料科技有限公司",
        "Suzhou Boyuan New Material Technology Co., Ltd.",
        "pharma",
    ),
    (
        "370211",
        "青岛海诚国际贸易有限公司",
        "Qingdao Haicheng International Trade Co., Ltd.",
        "chem",
    ),
    (
        "500112",
        "重庆渝达化工原料有限公司",
        "Chongqing Yuda Chemical Raw Materials Co., Ltd.",
        "chem",
    ),
    ("330206", "宁波港通物流有限公司", "Ningbo Gangtong Logistics Co., Ltd.", "logistics"),
    (
        "440106",
        "广州市汇通支付信息咨询有限公司",
        "Guangzhou Huitong Payment Information Consulting Co., Ltd.",
        "payments",
    ),
)

COMPANY_NOTES: dict[str, tuple[str, str]] = {
    "chem": (
        "Trading company advertising fentanyl precursors (4-AP, 1-boc-4-AP) on B2B "
        "marketplaces; ships to Mexico through freight forwarders under false declarations.",
        "该贸易公司在B2B平台发布芬太尼前体（4-AP、1-boc-4-AP）销售信息，"
        "通过货运代理以虚假申报方式向墨西哥发货。",
    ),
    "pharma": (
        "Registered as a maker of pharmaceutical intermediates; its product list includes "
        "NPP and 4-piperidone, offered with 'guaranteed customs clearance'.",
        "登记为医药中间体生产企业，产品目录包含NPP和4-哌啶酮，并宣称“包清关”。",
    ),
    "logistics": (
        "Freight forwarder that consolidated several mislabelled air-cargo consignments "
        "bound for Mexico and the United States.",
        "该货运代理企业曾拼装多批谎报品名、发往墨西哥和美国的航空货物。",
    ),
    "machinery": (
        "Manufacturer and exporter of rotary tablet presses and dies; buyers include shell "
        "companies in the United States and Mexico.",
        "旋转式压片机及模具生产出口企业，买家包括美国和墨西哥的空壳公司。",
    ),
    "payments": (
        "Cross-border payment intermediary; receives USDT and converts it to renminbi for "
        "chemical suppliers.",
        "跨境支付中介，收取USDT并为化学品供应商兑换成人民币。",
    ),
}

# name (EN), name (ZH), country, notes (EN), notes (ZH), kind
FOREIGN_COMPANIES: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "Importadora y Distribuidora Química del Pacífico, S.A. de C.V.",
        "太平洋化学品进口分销有限公司（墨西哥）",
        "Mexico",
        "Importer of record for precursor consignments from Shanghai and Guangzhou.",
        "自上海和广州发运的前体化学品的登记进口商。",
        "mx",
    ),
    (
        "Comercializadora Industrial Sinaloense, S.A. de C.V.",
        "锡那罗亚工业贸易有限公司（墨西哥）",
        "Mexico",
        "Front company in Culiacán receiving tablet presses and dies.",
        "位于库利亚坎、接收压片机和模具的幌子公司。",
        "mx",
    ),
    (
        "Hengtong International Trading Limited",
        "恒通国际贸易有限公司",
        "Hong Kong SAR, China",
        "Hong Kong company used to receive payments for chemical orders.",
        "用于收取化学品订单货款的香港公司。",
        "hk",
    ),
    (
        "Lone Star Laboratory Supply LLC",
        "孤星实验室用品有限责任公司",
        "United States",
        "Texas shell company ordering pill presses and 1-boc-4-AP.",
        "订购压片机和1-boc-4-AP的得克萨斯州空壳公司。",
        "us",
    ),
    (
        "Pacific Rim Tablet Machinery Inc.",
        "环太平洋压片机械公司",
        "United States",
        "California reseller of imported tablet presses; did not report sales as required.",
        "加利福尼亚州进口压片机转售商，未按规定报告销售情况。",
        "us",
    ),
)

# name (EN), name (ZH), country, notes (EN), notes (ZH)
PERSONS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "Zhou Jianhua",
        "周建华",
        "China",
        "Legal representative of Wuhan Yuanfeng Chemical Trading Co., Ltd.",
        "武汉远丰化工贸易有限公司法定代表人。",
    ),
    (
        "Lin Xiaodong",
        "林晓东",
        "China",
        "Sales manager using the English name 'Tony Lin'; contact on several storefronts.",
        "销售经理，英文名“Tony Lin”，多个网店的联系人。",
    ),
    (
        "Xu Wenbin",
        "许文斌",
        "China",
        "Shareholder of Shijiazhuang Huasheng Chemical; linked to accounts in Hong Kong.",
        "石家庄华晟化工股东，与香港账户有关联。",
    ),
    (
        "Deng Lijuan",
        "邓丽娟",
        "China",
        "Manager at Shenzhen Hongtai Supply Chain; arranges consolidated shipments.",
        "深圳市宏泰供应链管理有限公司经理，负责安排拼箱货运。",
    ),
    (
        "Liang Zhenyu",
        "梁振宇",
        "China",
        "Sales agent for Rui'an Hengli tablet presses.",
        "瑞安市恒力制药机械有限公司压片机销售代理。",
    ),
    (
        "Peng Haifeng",
        "彭海峰",
        "China",
        "Operates money-exchange accounts in Guangzhou used to settle chemical orders.",
        "在广州经营用于结算化学品订单的换汇账户。",
    ),
    (
        "Jesús Alberto Ramírez Soto",
        "赫苏斯·阿尔贝托·拉米雷斯·索托",
        "Mexico",
        "Purchasing agent for a Sinaloa-based trafficking organisation.",
        "某锡那罗亚贩毒组织的采购代理人。",
    ),
    (
        "Luis Fernando Castro Beltrán",
        "路易斯·费尔南多·卡斯特罗·贝尔特兰",
        "Mexico",
        "Customs broker at Manzanillo linked to precursor imports.",
        "曼萨尼约港报关员，与前体化学品进口有关。",
    ),
    (
        "Kyle Matthew Dawson",
        "凯尔·马修·道森",
        "United States",
        "Registered agent of Lone Star Laboratory Supply LLC.",
        "孤星实验室用品有限责任公司的注册代理人。",
    ),
    (
        "Derek Lawson",
        "德里克·劳森",
        "United States",
        "Buyer of nitazene 'research chemicals' for resale in Ohio.",
        "购买尼秦类“研究化学品”并在俄亥俄州转售的买家。",
    ),
)

# name (EN), name (ZH), country, url, notes (EN), notes (ZH)
WEBSITES: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "Yuanfeng Chem storefront on a B2B marketplace",
        "远丰化工B2B平台网店",
        "China",
        "https://yuanfeng-chem.example/shop",
        "Lists 4-AP and 1-boc-4-AP with 'safe delivery to Mexico and USA'.",
        "列出4-AP和1-boc-4-AP，并宣称“安全送达墨西哥和美国”。",
    ),
    (
        "'PharmaIntermediates Direct' online shop",
        "“医药中间体直销”网店",
        "China",
        "https://pharma-intermediates-direct.example",
        "English-language shop; payment in USDT only.",
        "英文网店，仅接受USDT付款。",
    ),
    (
        "Tianyue Trading product page for 1-boc-4-AP",
        "天粤贸易1-boc-4-AP产品页面",
        "China",
        "https://tianyue-trade.example/products/125541-22-2",
        "Product page quoting CAS 125541-22-2 and a 1 kg minimum order.",
        "产品页面标注CAS 125541-22-2，最低起订量1公斤。",
    ),
    (
        "Encrypted-messaging sales channel 'ChemSource 24h'",
        "加密通讯销售频道“ChemSource 24h”",
        "Unknown",
        "https://chemsource24h.example",
        "Channel with about 3,000 subscribers advertising precursors and nitazenes.",
        "约3000名订阅者的频道，发布前体化学品和尼秦类物质广告。",
    ),
    (
        "Tablet press listing on a cross-border e-commerce site",
        "跨境电商平台压片机商品页",
        "China",
        "https://tabletpress-export.example/tdp-5",
        "TDP-5 single-punch press sold with 'M' and '30' dies.",
        "TDP-5单冲压片机，随附“M”和“30”字样模具出售。",
    ),
    (
        "Forum thread advertising nitazene 'research chemicals'",
        "发布尼秦类“研究化学品”广告的论坛帖子",
        "Unknown",
        "https://rc-forum.example/t/48213",
        "Thread offering protonitazene and metonitazene powder.",
        "帖子出售普罗托尼秦和美托尼秦粉末。",
    ),
    (
        "Kangrui Chemicals English-language website",
        "康瑞化学品英文网站",
        "China",
        "https://kangrui-chemicals.example",
        "Corporate site listing NPP among 'hot products'.",
        "公司网站将NPP列为“热销产品”。",
    ),
    (
        "US-hosted reseller site for pill presses",
        "美国境内托管的压片机转售网站",
        "United States",
        "https://lonestar-labsupply.example",
        "Sells imported presses without identity checks.",
        "销售进口压片机且不核验买家身份。",
    ),
    (
        "Social-media account 'xylazine wholesale'",
        "社交媒体账号“赛拉嗪批发”",
        "Unknown",
        "https://social.example/@xyla_wholesale",
        "Offers bulk xylazine shipped from Guangzhou.",
        "提供从广州发货的批量赛拉嗪。",
    ),
    (
        "Darknet vendor page 'M30 Express'",
        "暗网卖家页面“M30 Express”",
        "Unknown",
        "https://m30express.example",
        "Vendor of counterfeit 'M30' tablets shipping within the United States.",
        "在美国境内发货的仿冒“M30”药片卖家。",
    ),
)

# name (EN), name (ZH), country, notes (EN), notes (ZH)
ACCOUNTS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "USDT (TRC-20) wallet used by Wuhan Yuanfeng",
        "远丰化工使用的USDT（TRC-20）钱包",
        "Unknown",
        "Wallet address {wallet}; received about 410,000 USDT in twelve months.",
        "钱包地址 {wallet}；十二个月内收款约41万USDT。",
    ),
    (
        "Agricultural Bank of China account ending 4417 (Wuhan)",
        "中国农业银行武汉分行账户（尾号4417）",
        "China",
        "Renminbi account receiving conversions of USDT payments.",
        "接收USDT付款兑换资金的人民币账户。",
    ),
    (
        "Hong Kong corporate account of Hengtong International Trading",
        "恒通国际贸易有限公司香港公司账户",
        "Hong Kong SAR, China",
        "US-dollar account receiving wires from Mexico.",
        "接收墨西哥电汇的美元账户。",
    ),
    (
        "Peso account in Culiacán receiving remittances from China",
        "库利亚坎接收中国汇款的墨西哥比索账户",
        "Mexico",
        "Structured deposits below reporting thresholds.",
        "存在低于申报门槛的拆分存款。",
    ),
    (
        "Business account of Lone Star Laboratory Supply LLC, ending 0921",
        "孤星实验室用品有限责任公司企业账户（尾号0921）",
        "United States",
        "Payments to Chinese machinery exporters through a money-services business.",
        "通过货币服务企业向中国机械出口商付款。",
    ),
    (
        "Alipay merchant account linked to Guangzhou Huitong Payment",
        "与广州汇通支付有关的支付宝商户账户",
        "China",
        "Collects renminbi on behalf of several chemical sellers.",
        "代多家化学品卖家收取人民币款项。",
    ),
    (
        "Bitcoin wallet receiving payments for nitazene orders",
        "接收尼秦类物质订单付款的比特币钱包",
        "Unknown",
        "Clustered with addresses on the 'ChemSource 24h' channel.",
        "与“ChemSource 24h”频道上的地址聚类关联。",
    ),
    (
        "WeChat Pay merchant account of Changsha Huiding Trading",
        "长沙汇鼎贸易微信支付商户账户",
        "China",
        "Used for domestic payments to chemical producers.",
        "用于向国内化学品生产商付款。",
    ),
)

# Shipments are built from these parts (numbers carry valid check digits).
AIRPORTS_CN = (
    ("Shanghai Pudong (PVG)", "上海浦东"),
    ("Guangzhou Baiyun (CAN)", "广州白云"),
    ("Wuhan Tianhe (WUH)", "武汉天河"),
    ("Shenzhen Bao'an (SZX)", "深圳宝安"),
)
AIRPORTS_DEST = (
    ("Mexico City (MEX)", "墨西哥城"),
    ("Guadalajara (GDL)", "瓜达拉哈拉"),
    ("Los Angeles (LAX)", "洛杉矶"),
    ("Chicago O'Hare (ORD)", "芝加哥奥黑尔"),
)
PORTS_CN = (
    ("Shanghai", "上海港"),
    ("Ningbo", "宁波港"),
    ("Tianjin", "天津港"),
    ("Qingdao", "青岛港"),
)
PORTS_DEST = (
    ("Manzanillo, Mexico", "墨西哥曼萨尼约港"),
    ("Lázaro Cárdenas, Mexico", "墨西哥拉萨罗卡德纳斯港"),
    ("Long Beach, California", "加利福尼亚州长滩港"),
)
DECLARED = (
    ("resin additive", "树脂添加剂"),
    ("pharmaceutical intermediate", "医药中间体"),
    ("organic pigment", "有机颜料"),
    ("machine parts", "机械零件"),
    ("industrial solvent", "工业溶剂"),
    ("candy moulds", "糖果模具"),
)
AWB_PREFIXES = ("999", "784", "781", "112")
CONTAINER_OWNERS = ("CSNU", "OOLU", "TGHU", "MSCU")

# --- substances ------------------------------------------------------------------------------
# English, Chinese, category, CAS, US control, PRC control, notes (EN), notes (ZH)
SUBSTANCES: tuple[tuple[str, str, str, str, str, str, str, str], ...] = (
    (
        "Fentanyl",
        "芬太尼",
        "opioid",
        "437-38-7",
        "controlled",
        "controlled",
        "US Schedule II. The PRC controls all fentanyl-related substances as a class since 1 May 2019.",
        "美国附表二管制。中国自2019年5月1日起对芬太尼类物质实施整类列管。",
    ),
    (
        "Fentanyl-related substances (class)",
        "芬太尼类物质（整类）",
        "opioid",
        "",
        "class_wide",
        "class_wide",
        "Class-wide control on both sides; the basis for most analogue cases.",
        "双方均实施整类管制；多数类似物案件以此为依据。",
    ),
    (
        "Carfentanil",
        "卡芬太尼",
        "opioid",
        "59708-52-0",
        "controlled",
        "controlled",
        "Veterinary tranquilliser about 100 times more potent than fentanyl.",
        "兽用麻醉剂，效力约为芬太尼的100倍。",
    ),
    (
        "Acetyl fentanyl",
        "乙酰芬太尼",
        "opioid",
        "3258-84-2",
        "controlled",
        "controlled",
        "Analogue found in counterfeit tablets.",
        "在仿冒药片中发现的类似物。",
    ),
    (
        "para-Fluorofentanyl",
        "对氟芬太尼",
        "opioid",
        "90736-23-5",
        "controlled",
        "class_wide",
        "Frequently found mixed with fentanyl in street samples.",
        "街头样本中常与芬太尼混合出现。",
    ),
    (
        "N-Phenethyl-4-piperidone (NPP)",
        "N-苯乙基-4-哌啶酮（NPP）",
        "precursor",
        "39742-60-4",
        "controlled",
        "controlled",
        "Precursor of the Siegfried route.",
        "西格弗里德合成路线的前体。",
    ),
    (
        "4-Anilino-N-phenethylpiperidine (ANPP)",
        "4-苯胺基-N-苯乙基哌啶（ANPP）",
        "precursor",
        "21409-26-7",
        "controlled",
        "controlled",
        "Immediate precursor of fentanyl.",
        "芬太尼的直接前体。",
    ),
    (
        "4-Anilinopiperidine (4-AP)",
        "4-苯胺基哌啶（4-AP）",
        "precursor",
        "23056-29-3",
        "controlled",
        "controlled",
        "Precursor of the Gupta route.",
        "古普塔合成路线的前体。",
    ),
    (
        "tert-Butyl 4-anilinopiperidine-1-carboxylate (1-boc-4-AP)",
        "1-叔丁氧羰基-4-苯胺基哌啶（1-boc-4-AP）",
        "precursor",
        "125541-22-2",
        "controlled",
        "controlled",
        "Protected form of 4-AP, sold to evade controls on 4-AP.",
        "4-AP的保护形式，用于规避对4-AP的管制。",
    ),
    (
        "Norfentanyl",
        "去甲芬太尼",
        "precursor",
        "1609-66-1",
        "controlled",
        "controlled",
        "Precursor and metabolite of fentanyl.",
        "芬太尼的前体和代谢物。",
    ),
    (
        "4-Piperidone",
        "4-哌啶酮",
        "precursor",
        "41661-47-6",
        "controlled",
        "controlled",
        "Pre-precursor; demand rose after NPP and ANPP were controlled.",
        "前体的前体；NPP和ANPP受管制后需求上升。",
    ),
    (
        "tert-Butyl 4-oxopiperidine-1-carboxylate (1-boc-4-piperidone)",
        "1-叔丁氧羰基-4-哌啶酮",
        "precursor",
        "79099-07-3",
        "controlled",
        "controlled",
        "Protected form of 4-piperidone.",
        "4-哌啶酮的保护形式。",
    ),
    (
        "Benzylfentanyl",
        "苄基芬太尼",
        "precursor",
        "1474-02-8",
        "controlled",
        "class_wide",
        "Can be converted to norfentanyl.",
        "可转化为去甲芬太尼。",
    ),
    (
        "(2-Bromoethyl)benzene",
        "(2-溴乙基)苯",
        "precursor",
        "103-63-9",
        "monitored",
        "not_controlled",
        "Common reagent; watched when ordered together with 4-AP or 4-piperidone.",
        "常用试剂；与4-AP或4-哌啶酮同时订购时予以关注。",
    ),
    (
        "Propionyl chloride",
        "丙酰氯",
        "precursor",
        "79-03-8",
        "not_controlled",
        "not_controlled",
        "Acylating agent used in the last step of fentanyl synthesis.",
        "芬太尼合成最后一步所用的酰化剂。",
    ),
    (
        "Xylazine",
        "赛拉嗪",
        "adulterant",
        "7361-61-7",
        "not_controlled",
        "not_controlled",
        "Veterinary sedative increasingly mixed with fentanyl.",
        "兽用镇静剂，越来越多地与芬太尼混用。",
    ),
    (
        "Medetomidine",
        "美托咪定",
        "adulterant",
        "86347-14-0",
        "not_controlled",
        "not_controlled",
        "Veterinary sedative recently detected in the illicit supply.",
        "近期在非法毒品中检出的兽用镇静剂。",
    ),
    (
        "Isotonitazene",
        "异托尼秦",
        "nitazene",
        "14188-81-9",
        "controlled",
        "controlled",
        "Benzimidazole opioid; potency comparable to or above fentanyl.",
        "苯并咪唑类阿片，效力与芬太尼相当或更高。",
    ),
    (
        "Metonitazene",
        "美托尼秦",
        "nitazene",
        "14680-51-4",
        "controlled",
        "class_wide",
        "Found in counterfeit oxycodone tablets.",
        "在仿冒羟考酮药片中发现。",
    ),
    (
        "Protonitazene",
        "普罗托尼秦",
        "nitazene",
        "119276-01-6",
        "controlled",
        "class_wide",
        "Sold online as a 'research chemical'.",
        "以“研究化学品”名义在网上销售。",
    ),
    (
        "Tablet press (pill press)",
        "压片机",
        "equipment",
        "",
        "monitored",
        "monitored",
        "US importers must report tableting machines to DEA.",
        "美国进口商须向缉毒局报告压片机进口情况。",
    ),
    (
        "Tablet dies and punches ('M30' markings)",
        "压片模具（“M30”标记）",
        "equipment",
        "",
        "monitored",
        "not_controlled",
        "Dies that imitate oxycodone 30 mg tablets.",
        "仿冒30毫克羟考酮药片的模具。",
    ),
)

# Shorter English names for running text ("Seizure of 25 kg of 1-boc-4-AP").
SUBSTANCE_SHORT_EN: dict[str, str] = {
    "Fentanyl-related substances (class)": "fentanyl-related substances",
    "N-Phenethyl-4-piperidone (NPP)": "NPP",
    "4-Anilino-N-phenethylpiperidine (ANPP)": "ANPP",
    "4-Anilinopiperidine (4-AP)": "4-AP",
    "tert-Butyl 4-anilinopiperidine-1-carboxylate (1-boc-4-AP)": "1-boc-4-AP",
    "tert-Butyl 4-oxopiperidine-1-carboxylate (1-boc-4-piperidone)": "1-boc-4-piperidone",
    "4-Piperidone": "4-piperidone",
    "Tablet press (pill press)": "tablet presses",
    "Tablet dies and punches ('M30' markings)": "'M30' tablet dies",
}

# What scheduling requests and efforts are about: substances one side controls or watches
# and the other does not yet (or only recently).
SCHEDULING_TARGETS: tuple[str, ...] = (
    "4-Piperidone",
    "tert-Butyl 4-oxopiperidine-1-carboxylate (1-boc-4-piperidone)",
    "(2-Bromoethyl)benzene",
    "Propionyl chloride",
    "Benzylfentanyl",
    "Xylazine",
    "Medetomidine",
)

# --- meetings --------------------------------------------------------------------------------
# English, Chinese, IANA time zone of the place
PLENARY_PLACES = (
    ("U.S. Department of State, Washington, D.C.", "美国国务院，华盛顿特区", "America/New_York"),
    ("Ministry of Public Security, Beijing", "公安部，北京", "Asia/Shanghai"),
)
TECHNICAL_PLACES = (
    (
        "DEA Headquarters, Arlington, Virginia",
        "美国缉毒局总部，弗吉尼亚州阿灵顿",
        "America/New_York",
    ),
    ("General Administration of Customs, Beijing", "海关总署，北京", "Asia/Shanghai"),
    ("U.S. Consulate General, Guangzhou", "美国驻广州总领事馆", "Asia/Shanghai"),
    ("Shanghai Municipal Public Security Bureau, Shanghai", "上海市公安局，上海", "Asia/Shanghai"),
    ("U.S. Embassy, Beijing", "美国驻华大使馆，北京", "Asia/Shanghai"),
)
VIDEO_PLACE = (
    "Video conference (Washington – Beijing)",
    "视频会议（华盛顿—北京）",
    "Asia/Shanghai",
)

ORDINALS_EN = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
)
NUMBERS_ZH = "一二三四五六七八九十"


def number_zh(n: int) -> str:
    if n <= 10:
        return NUMBERS_ZH[n - 1]
    if n < 20:
        return "十" + NUMBERS_ZH[n - 11]
    tens, ones = divmod(n, 10)
    return NUMBERS_ZH[tens - 1] + "十" + (NUMBERS_ZH[ones - 1] if ones else "")


MEETING_SUMMARIES: dict[str, tuple[str, str]] = {
    "plenary": (
        "Plenary session reviewing progress on every line of effort, the referrals exchanged "
        "since the last meeting and the outstanding action items.",
        "全体会议审议各工作方向的进展、上次会议以来交换的线索以及未完成的行动事项。",
    ),
    "technical": (
        "Expert-level session on {loe_en}, with case officers and regulators of both sides.",
        "双方办案人员和监管人员参加的{loe_zh}专家级会议。",
    ),
    "video": (
        "Video call between the liaison officers to follow up on open referrals and urgent "
        "requests.",
        "双方联络官视频会议，跟进未结线索和紧急请求。",
    ),
}

AGENDA_OPENING = ("Opening remarks and adoption of the agenda", "开幕致辞及通过议程")
AGENDA_REVIEW = ("Review of action items from the previous meeting", "审议上次会议的行动事项")
AGENDA_REFERRALS = (
    "Status of referrals exchanged since the last meeting",
    "上次会议以来所交换线索的进展情况",
)
AGENDA_CLOSING = ("Any other business and date of the next meeting", "其他事项及下次会议日期")
AGENDA_PREBRIEF = (
    "US delegation pre-brief: positions and asks (US only)",
    "美方代表团会前内部通气：立场与诉求（仅限美方）",
)
AGENDA_TOPICS: dict[str, tuple[tuple[str, str], ...]] = {
    "law_enforcement": (
        ("Joint investigations into precursor suppliers", "针对前体化学品供应商的联合调查"),
        ("Results of verification of US leads", "美方线索核查结果"),
    ),
    "scheduling": (
        (
            "Scheduling of 4-piperidone and 1-boc-4-piperidone",
            "4-哌啶酮和1-叔丁氧羰基-4-哌啶酮的列管",
        ),
        ("Exchange of control lists and scheduling timelines", "交换管制清单及列管时间表"),
    ),
    "equipment": (("Export controls on tablet presses and dies", "压片机及模具的出口管控"),),
    "finance": (
        ("Payments for precursors in cryptocurrency", "以加密货币支付前体化学品货款"),
        ("Underground banking linked to chemical sales", "与化学品销售有关的地下钱庄"),
    ),
    "online": (("Takedown of storefronts advertising precursors", "下架发布前体化学品信息的网店"),),
    "customs": (
        ("Mislabelled consignments and know-your-customer rules", "谎报品名货物与客户身份识别规则"),
        ("Monthly exchange of seizure statistics", "每月交换查获统计数据"),
    ),
    "emerging": (
        ("Nitazenes and xylazine in the illicit supply", "非法毒品中的尼秦类物质和赛拉嗪"),
    ),
    "multilateral": (
        (
            "Coordination before the Commission on Narcotic Drugs",
            "联合国麻醉药品委员会会议前的协调",
        ),
    ),
}
DECISIONS: tuple[tuple[str, str, bool], ...] = (
    (
        "The two sides agreed to exchange monthly statistics on precursor seizures.",
        "双方同意每月交换前体化学品查获统计数据。",
        False,
    ),
    (
        "The PRC side will give written answers to the outstanding referrals before the next "
        "meeting.",
        "中方将在下次会议前就未结线索提供书面答复。",
        False,
    ),
    (
        "The US side will share laboratory analysis of seized tablets with the NMPA.",
        "美方将与国家药品监督管理局分享所查获药片的实验室分析结果。",
        False,
    ),
    (
        "Both sides will name points of contact for online-platform takedown requests.",
        "双方将指定网络平台下架请求的联络人。",
        False,
    ),
    (
        "The sides agreed to hold a technical session on nitazenes within three months.",
        "双方同意在三个月内举行尼秦类物质技术会议。",
        False,
    ),
    (
        "The sides will draft a joint notice to freight forwarders on know-your-customer "
        "obligations.",
        "双方将起草致货运代理企业的关于客户身份识别义务的联合通知。",
        False,
    ),
    (
        "The GACC and CBP will pilot an exchange of advance cargo data on flagged consignors.",
        "海关总署与美国海关与边境保护局将试点交换被标记发货人的预申报货物数据。",
        False,
    ),
    (
        "The US delegation will raise the 4-piperidone listing at ministerial level if there "
        "is no progress by the next plenary (US only).",
        "如至下次全体会议仍无进展，美方代表团将在部长级层面提出4-哌啶酮列管问题（仅限美方）。",
        True,
    ),
    (
        "DEA will brief interagency partners on PRC response times before the next meeting "
        "(US internal).",
        "美国缉毒局将在下次会议前向跨部门伙伴通报中方答复时限情况（美方内部）。",
        True,
    ),
)

# --- cases -----------------------------------------------------------------------------------
# line of effort -> (title EN, title ZH, summary EN, summary ZH); placeholders: co, sub, person
CASE_TEMPLATES: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "law_enforcement": (
        (
            "{co_en}: precursor supply network",
            "{co_zh}前体化学品供应网络案",
            "Network supplying {sub_en} to laboratories in Sinaloa through {co_en}.",
            "经{co_zh}向锡那罗亚制毒工厂供应{sub_zh}的网络。",
        ),
        (
            "Sales of {sub_en} by {cnp_en} to Mexican buyers",
            "{cnp_zh}向墨西哥买家销售{sub_zh}案",
            "Undercover purchases established repeated sales of {sub_en}; identities confirmed.",
            "卧底购买证实多次销售{sub_zh}；相关身份已确认。",
        ),
    ),
    "scheduling": (
        (
            "Scheduling of {sub_en}",
            "{sub_zh}列管工作",
            "Effort to bring {sub_en} under control in the PRC and align listings.",
            "推动中方对{sub_zh}实施管制并统一双方清单。",
        ),
    ),
    "equipment": (
        (
            "Tablet press exports to Mexico via {co_en}",
            "经{co_zh}向墨西哥出口压片机案",
            "Presses and 'M30' dies shipped to front companies; export declarations requested.",
            "压片机及“M30”模具被运往幌子公司；已请求提供出口报关单。",
        ),
    ),
    "finance": (
        (
            "Laundering of precursor payments through {co_en}",
            "通过{co_zh}清洗前体化学品货款案",
            "Cryptocurrency and underground-banking flows paying for {sub_en}.",
            "以加密货币和地下钱庄方式支付{sub_zh}货款的资金流。",
        ),
    ),
    "online": (
        (
            "Online sales of {sub_en} on B2B marketplaces",
            "B2B平台网络销售{sub_zh}案",
            "Storefronts of {co_en} and resellers advertise {sub_en} with delivery to the US.",
            "{co_zh}及转售商的网店发布{sub_zh}信息并承诺送达美国。",
        ),
    ),
    "customs": (
        (
            "Mislabelled air cargo of {sub_en} to Mexico",
            "谎报品名向墨西哥空运{sub_zh}案",
            "Consignments declared as resin additive, forwarded by {co_en}.",
            "货物申报为树脂添加剂，由{co_zh}代理发运。",
        ),
    ),
    "emerging": (
        (
            "{sub_en} in the US illicit supply",
            "{sub_zh}在美国非法毒品市场出现",
            "Tracking sources of {sub_en} detected in overdose cases.",
            "追查在过量致死案例中检出的{sub_zh}的来源。",
        ),
    ),
    "multilateral": (
        (
            "International scheduling of {sub_en}",
            "{sub_zh}的国际列管",
            "Joint support for a Commission on Narcotic Drugs decision on {sub_en}.",
            "共同支持联合国麻醉药品委员会就{sub_zh}作出决定。",
        ),
    ),
}

# --- referrals -------------------------------------------------------------------------------
# (direction, type) -> templates (title EN, title ZH, summary EN, summary ZH, line of effort)
# placeholders: co (PRC company), sub (substance), site, shp (shipment), acct, fco (foreign
# company), kg
REFERRAL_TEMPLATES: dict[tuple[str, str], tuple[tuple[str, str, str, str, str], ...]] = {
    ("US_TO_PRC", "lead"): (
        (
            "{co_en} offering {sub_en} for export",
            "{co_zh}对外销售{sub_zh}",
            "Undercover contact with {co_en}, which offered {kg} kg of {sub_en} for delivery to "
            "Mexico. Chat logs and payment details attached.",
            "美方卧底人员与{co_zh}接触，对方表示可向墨西哥交付{kg}公斤{sub_zh}。"
            "附聊天记录和付款信息。",
            "law_enforcement",
        ),
        (
            "Supplier of {sub_en} to {mx_en}",
            "向{mx_zh}供应{sub_zh}的供应商",
            "Records seized in Mexico show {co_en} supplied {sub_en} to {mx_en}.",
            "在墨西哥查获的记录显示，{co_zh}曾向{mx_zh}供应{sub_zh}。",
            "law_enforcement",
        ),
    ),
    ("US_TO_PRC", "assistance"): (
        (
            "Registration and bank records of {co_en}",
            "请求提供{co_zh}的企业登记及银行记录",
            "Request for business-registration records, shareholders and bank accounts of "
            "{co_en}, in support of a US prosecution.",
            "为支持美方起诉，请求提供{co_zh}的工商登记记录、股东及银行账户信息。",
            "law_enforcement",
        ),
        (
            "Export declarations for {shp_en}",
            "请求提供{shp_zh}的出口报关单",
            "Request for the export declaration, consignor and freight forwarder of {shp_en}.",
            "请求提供{shp_zh}的出口报关单、发货人及货运代理信息。",
            "customs",
        ),
    ),
    ("US_TO_PRC", "scheduling"): (
        (
            "Request to control {sub_en}",
            "请求对{sub_zh}实施管制",
            "{sub_en} is now used in illicit fentanyl production; the US requests that the PRC "
            "add it to its list of controlled precursors.",
            "{sub_zh}已被用于非法生产芬太尼；美方请求中方将其列入易制毒化学品管制目录。",
            "scheduling",
        ),
    ),
    ("US_TO_PRC", "seizure"): (
        (
            "Seizure of {kg} kg of {sub_en} shipped from China",
            "查获自中国发出的{kg}公斤{sub_zh}",
            "CBP seized {kg} kg of {sub_en} in {shp_en}. The consignor is listed as {co_en}.",
            "美国海关与边境保护局在{shp_zh}中查获{kg}公斤{sub_zh}。发货人登记为{co_zh}。",
            "customs",
        ),
        (
            "Seizure of tablet presses consigned by {co_en}",
            "查获{co_zh}发运的压片机",
            "Two undeclared tablet presses and dies found in {shp_en}.",
            "在{shp_zh}中发现两台未申报的压片机及模具。",
            "equipment",
        ),
    ),
    ("US_TO_PRC", "financial"): (
        (
            "Payments from {fco_en} to {acct_en}",
            "{fco_zh}向{acct_zh}付款",
            "Financial intelligence shows transfers of about USD {kg}0,000 from {fco_en} to "
            "{acct_en}, linked to orders of {sub_en}.",
            "金融情报显示，{fco_zh}向{acct_zh}转账约{kg}万美元，与{sub_zh}订单有关。",
            "finance",
        ),
    ),
    ("US_TO_PRC", "takedown"): (
        (
            "Takedown request: {site_en}",
            "下架请求：{site_zh}",
            "The listing advertises {sub_en} with delivery to the United States. Request removal "
            "and preservation of account data.",
            "该页面发布{sub_zh}信息并承诺送达美国。请求下架并保存账户数据。",
            "online",
        ),
    ),
    ("PRC_TO_US", "lead"): (
        (
            "US-based buyer ordering {sub_en} from {co_en}",
            "美国境内买家向{co_zh}订购{sub_zh}",
            "Chinese investigation of {co_en} identified a buyer in the United States who "
            "ordered {kg} kg of {sub_en}.",
            "中方对{co_zh}的调查发现，美国境内一名买家订购了{kg}公斤{sub_zh}。",
            "law_enforcement",
        ),
    ),
    ("PRC_TO_US", "assistance"): (
        (
            "Information on the US consignee of {shp_en}",
            "请求提供{shp_zh}的美方收货人信息",
            "Request for the identity and address of the US consignee of {shp_en}.",
            "请求提供{shp_zh}美方收货人的身份和地址信息。",
            "customs",
        ),
        (
            "Evidence from US cases involving {co_en}",
            "请求提供涉及{co_zh}的美方案件证据",
            "Request for evidence gathered in US cases against {co_en}, for use in a Chinese "
            "prosecution.",
            "请求提供美方针对{co_zh}案件中收集的证据，以用于中方起诉。",
            "law_enforcement",
        ),
    ),
    ("PRC_TO_US", "scheduling"): (
        (
            "US control status of {sub_en}",
            "请求告知{sub_zh}在美国的管制状态",
            "Request for the current US control status of {sub_en} and the supporting data.",
            "请求告知{sub_zh}目前在美国的管制状态及相关依据。",
            "scheduling",
        ),
    ),
    ("PRC_TO_US", "seizure"): (
        (
            "Notification: {kg} kg of {sub_en} seized at a Chinese port",
            "通报：在中国口岸查获{kg}公斤{sub_zh}",
            "Chinese customs seized {kg} kg of {sub_en} in {shp_en}, bound for the United States.",
            "中国海关在发往美国的{shp_zh}中查获{kg}公斤{sub_zh}。",
            "customs",
        ),
    ),
    ("PRC_TO_US", "financial"): (
        (
            "US accounts linked to {co_en}",
            "与{co_zh}有关的美国账户",
            "Payments to {co_en} originated from {acct_en}; request for account-holder "
            "information.",
            "向{co_zh}的付款来自{acct_zh}；请求提供账户持有人信息。",
            "finance",
        ),
    ),
    ("PRC_TO_US", "takedown"): (
        (
            "Removal of US-hosted site advertising {sub_en}",
            "请求删除美国境内托管的发布{sub_zh}信息的网站",
            "{site_en} is hosted in the United States and advertises {sub_en} to Chinese users.",
            "{site_zh}托管于美国，面向中国用户发布{sub_zh}信息。",
            "online",
        ),
    ),
}

# (direction, type) -> sending agencies, receiving agencies (abbreviations)
REFERRAL_AGENCIES: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {
    ("US_TO_PRC", "lead"): (("DEA", "HSI", "FBI"), ("MPS NCB", "MPS")),
    ("US_TO_PRC", "assistance"): (("DOJ", "DEA", "HSI"), ("MPS", "MPS NCB", "GACC")),
    ("US_TO_PRC", "scheduling"): (("DEA", "State INL", "ONDCP"), ("NNCC", "MPS NCB", "NMPA")),
    ("US_TO_PRC", "seizure"): (("CBP", "HSI"), ("GACC",)),
    ("US_TO_PRC", "financial"): (("FinCEN", "OFAC"), ("PBOC", "MPS")),
    ("US_TO_PRC", "takedown"): (("DEA", "HSI", "FDA"), ("CAC", "SAMR")),
    ("PRC_TO_US", "lead"): (("MPS NCB", "MPS"), ("DEA", "HSI")),
    ("PRC_TO_US", "assistance"): (("MPS", "MPS NCB", "GACC"), ("DOJ", "DEA", "CBP")),
    ("PRC_TO_US", "scheduling"): (("NNCC", "NMPA"), ("DEA", "ONDCP")),
    ("PRC_TO_US", "seizure"): (("GACC",), ("CBP", "HSI")),
    ("PRC_TO_US", "financial"): (("PBOC",), ("FinCEN",)),
    ("PRC_TO_US", "takedown"): (("CAC",), ("FBI", "DEA")),
}
# PRC reference-number stems ("公禁毒〔2025〕318号")
PRC_REF_STEMS: dict[str, str] = {
    "MPS": "公国合",
    "MPS NCB": "公禁毒",
    "NNCC": "禁毒委",
    "GACC": "署缉",
    "NMPA": "药监国合",
    "SAMR": "市监网监",
    "CAC": "网信执法",
    "PBOC": "银反洗",
}
REFERRAL_OUTCOMES: dict[str, tuple[str, ...]] = {
    "lead": ("arrest", "arrest", "seizure", "no_action", "insufficient"),
    "assistance": ("no_action", "arrest", "insufficient", "no_action"),
    "scheduling": ("scheduling", "scheduling", "no_action"),
    "seizure": ("seizure", "seizure", "arrest", "insufficient"),
    "financial": ("designation", "no_action", "insufficient"),
    "takedown": ("takedown", "takedown", "takedown", "no_action"),
}
REFERRAL_DUE_DAYS: dict[str, int] = {
    "lead": 30,
    "assistance": 60,
    "scheduling": 90,
    "seizure": 30,
    "financial": 45,
    "takedown": 14,
}

# --- action items ----------------------------------------------------------------------------
# owner side, agencies, line of effort, title EN, title ZH, description EN, description ZH
ACTION_TEMPLATES: tuple[tuple[str, tuple[str, ...], str, str, str, str, str], ...] = (
    (
        "US",
        ("DEA", "FDA"),
        "emerging",
        "Share laboratory analysis of seized {sub_en}",
        "分享所查获{sub_zh}的实验室分析结果",
        "Send the NMPA the DEA laboratory report, including impurity profile.",
        "向国家药品监督管理局提供缉毒局实验室报告，包括杂质谱分析。",
    ),
    (
        "US",
        ("CBP", "HSI"),
        "customs",
        "Send shipping documents for {shp_en}",
        "提供{shp_zh}的货运单证",
        "Air waybill, commercial invoice and photographs of the packaging.",
        "包括航空货运单、商业发票及包装照片。",
    ),
    (
        "US",
        ("FinCEN", "OFAC"),
        "finance",
        "Provide transaction details for {acct_en}",
        "提供{acct_zh}的交易明细",
        "Dates, amounts and counterparties of transfers linked to precursor orders.",
        "与前体化学品订单有关的转账日期、金额及交易对手。",
    ),
    (
        "US",
        ("DEA", "ONDCP"),
        "scheduling",
        "Confirm US control status of {sub_en}",
        "确认{sub_zh}在美国的管制状态",
        "Written note on the legal basis and effective date of US control.",
        "提供关于美方管制法律依据及生效日期的书面说明。",
    ),
    (
        "US",
        ("State INL",),
        "multilateral",
        "Circulate the draft agenda for the next plenary",
        "分发下次全体会议议程草案",
        "Draft agenda in both languages to the PRC side four weeks ahead.",
        "提前四周向中方提供中英文议程草案。",
    ),
    (
        "US",
        ("DOJ",),
        "law_enforcement",
        "Provide evidence summary on {co_en}",
        "提供关于{co_zh}的证据摘要",
        "Summary of evidence usable in a PRC prosecution, cleared for release.",
        "提供经批准可对外提供、可用于中方起诉的证据摘要。",
    ),
    (
        "US",
        ("HSI", "DEA"),
        "online",
        "Send list of storefronts for takedown, including {site_en}",
        "提供待下架网店清单，包括{site_zh}",
        "URLs, screenshots and dates of capture.",
        "包括网址、截图及截取日期。",
    ),
    (
        "PRC",
        ("MPS NCB", "SAMR"),
        "law_enforcement",
        "Verify business registration of {co_en}",
        "核实{co_zh}的工商登记信息",
        "Confirm registration, legal representative and operating address.",
        "核实登记信息、法定代表人及经营地址。",
    ),
    (
        "PRC",
        ("MPS NCB",),
        "law_enforcement",
        "Inspect premises of {co_en}",
        "对{co_zh}经营场所开展检查",
        "On-site inspection and report on stocks of {sub_en}.",
        "开展现场检查并报告{sub_zh}库存情况。",
    ),
    (
        "PRC",
        ("MPS NCB", "MPS"),
        "law_enforcement",
        "Report results of the investigation into {co_en}",
        "通报对{co_zh}的调查结果",
        "Arrests, seizures and administrative penalties, if any.",
        "如有逮捕、查获及行政处罚情况，请一并通报。",
    ),
    (
        "PRC",
        ("CAC", "SAMR"),
        "online",
        "Remove listings for {sub_en} from domestic platforms",
        "清理国内平台上的{sub_zh}信息",
        "Platforms to remove listings and keep account data for investigators.",
        "要求平台删除相关信息并为调查人员保留账户数据。",
    ),
    (
        "PRC",
        ("GACC",),
        "customs",
        "Provide export declarations of {co_en}",
        "提供{co_zh}的出口报关记录",
        "Declarations for the past twelve months, with destinations and declared goods.",
        "提供近十二个月的报关记录，包括目的地及申报品名。",
    ),
    (
        "PRC",
        ("NNCC", "NMPA"),
        "scheduling",
        "Report progress on listing {sub_en}",
        "通报{sub_zh}列管工作进展",
        "Expected timeline for the expert review and publication.",
        "说明专家评估及公告发布的预计时间。",
    ),
    (
        "PRC",
        ("PBOC",),
        "finance",
        "Provide account-opening records for {acct_en}",
        "提供{acct_zh}的开户资料",
        "Know-your-customer file and linked accounts.",
        "包括客户身份识别资料及关联账户。",
    ),
    (
        "PRC",
        ("MPS NCB", "GACC"),
        "equipment",
        "Check exports of tablet presses by {co_en}",
        "核查{co_zh}的压片机出口情况",
        "Buyers, quantities and destinations over two years.",
        "核查两年内的买家、数量及目的地。",
    ),
    (
        "JOINT",
        ("CBP", "GACC"),
        "customs",
        "Agree a template for monthly seizure statistics",
        "商定每月查获统计数据模板",
        "Fields, units and the channel for the monthly exchange.",
        "确定每月交换的字段、计量单位及渠道。",
    ),
    (
        "JOINT",
        ("HSI", "GACC"),
        "customs",
        "Draft a joint notice to freight forwarders",
        "起草致货运代理企业的联合通知",
        "Know-your-customer obligations for chemical consignments.",
        "关于化学品货物客户身份识别义务的通知。",
    ),
    (
        "JOINT",
        ("State INL", "NNCC"),
        "multilateral",
        "Prepare the joint statement for the next plenary",
        "准备下次全体会议联合声明",
        "Agree the text in English and Chinese before the meeting.",
        "会前商定中英文文本。",
    ),
    (
        "JOINT",
        ("DEA", "MPS NCB"),
        "scheduling",
        "Exchange lists of controlled fentanyl precursors",
        "交换已列管芬太尼前体清单",
        "Include {sub_en} and its salts and protected forms.",
        "包括{sub_zh}及其盐类和保护形式。",
    ),
    (
        "JOINT",
        ("DEA", "MPS NCB"),
        "emerging",
        "Exchange early warnings on {sub_en}",
        "交换关于{sub_zh}的预警信息",
        "Detections, seizures and analytical data since the last meeting.",
        "上次会议以来的检出、查获及分析数据。",
    ),
)

# status_change comments: (record type, target) -> comment, shown to the counterpart?
STATUS_COMMENTS: dict[tuple[str, str], tuple[str, bool]] = {
    ("referral", "draft"): ("created", False),
    ("referral", "sent"): ("Transmitted through the liaison channel. / 已通过联络渠道发送。", True),
    ("referral", "received"): (
        "Received through the liaison channel. / 已通过联络渠道接收。",
        True,
    ),
    ("referral", "acknowledged"): ("Receipt acknowledged. / 已确认收到。", True),
    ("referral", "under_verification"): ("Verification under way. / 正在核查。", True),
    ("referral", "info_requested"): (
        "Additional information requested (shipping documents, chat logs). "
        "/ 要求补充信息（货运单证、聊天记录）。",
        True,
    ),
    ("referral", "responded"): ("Written response received. / 已收到书面答复。", True),
    ("referral", "closed"): ("Closed with outcome recorded. / 已结案并记录结果。", True),
    ("referral", "withdrawn"): ("Withdrawn: superseded by a later request.", False),
    ("referral", "duplicate"): ("Repeats an earlier referral.", False),
    ("case", "open"): ("created", False),
    ("case", "active"): ("Investigation active.", False),
    ("case", "suspended"): ("Suspended pending the counterpart's answer.", False),
    ("case", "closed"): ("Closed with outcome recorded.", False),
    ("case", "reopened"): ("Reopened on new information.", False),
    ("action_item", "open"): ("created", False),
    ("action_item", "in_progress"): ("Work started. / 已开始办理。", True),
    ("action_item", "blocked"): (
        "Waiting for information from the other side. / 等待对方提供信息。",
        True,
    ),
    ("action_item", "done"): ("Completed. / 已完成。", True),
    ("action_item", "cancelled"): ("Overtaken by events. / 因情况变化取消。", True),
    ("meeting", "planned"): ("created", False),
    ("meeting", "agenda_circulated"): (
        "Agenda sent to both delegations. / 议程已发送双方代表团。",
        True,
    ),
    ("meeting", "held"): ("Meeting held. / 会议已举行。", True),
    ("meeting", "minutes_approved"): ("Minutes approved by both sides. / 纪要经双方批准。", True),
    ("meeting", "cancelled"): ("Cancelled. / 已取消。", True),
}
REOPEN_COMMENT = ("Reopened: follow-up needed. / 重新开启：需要跟进。", True)

# Usernames of the (fictitious) US staff who log the changes.
USERS: tuple[str, ...] = (
    "m.carter",
    "s.nguyen",
    "j.brooks",
    "r.coleman",
    "k.price",
    "a.ortiz",
    "e.sullivan",
    "t.hughes",
)
