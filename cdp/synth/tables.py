"""Reference lists behind the synthetic customers: regions, jobs, channels and note templates."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Region:
    """A GB/T 2260 district with the phone area code and bank branch that serve it."""

    code: str
    province: str
    city: str
    district: str
    area_code: str
    branch: str

    @property
    def prefix(self) -> str:
        """The address prefix (`广东省广州市天河区`; municipalities name the city once)."""
        city = "" if self.city == self.province else self.city
        return f"{self.province}{city}{self.district}"


def _region(row: str) -> Region:
    code, province, city, district, area_code, branch = row.split()
    return Region(code, province, city, district, area_code, branch)


# code province city district area-code branch; municipalities repeat the province as the city.
_REGION_ROWS = """
110101 北京市 北京市 东城区 010 北京东城支行
110102 北京市 北京市 西城区 010 北京西城支行
110105 北京市 北京市 朝阳区 010 北京朝阳支行
110108 北京市 北京市 海淀区 010 北京海淀支行
120101 天津市 天津市 和平区 022 天津和平支行
120104 天津市 天津市 南开区 022 天津南开支行
130102 河北省 石家庄市 长安区 0311 石家庄长安支行
140105 山西省 太原市 小店区 0351 太原小店支行
150102 内蒙古自治区 呼和浩特市 新城区 0471 呼和浩特新城支行
210102 辽宁省 沈阳市 和平区 024 沈阳和平支行
210202 辽宁省 大连市 中山区 0411 大连中山支行
220102 吉林省 长春市 南关区 0431 长春南关支行
230102 黑龙江省 哈尔滨市 道里区 0451 哈尔滨道里支行
310101 上海市 上海市 黄浦区 021 上海黄浦支行
310104 上海市 上海市 徐汇区 021 上海徐汇支行
310115 上海市 上海市 浦东新区 021 上海浦东支行
320102 江苏省 南京市 玄武区 025 南京玄武支行
320508 江苏省 苏州市 姑苏区 0512 苏州姑苏支行
330106 浙江省 杭州市 西湖区 0571 杭州西湖支行
330203 浙江省 宁波市 海曙区 0574 宁波海曙支行
340104 安徽省 合肥市 蜀山区 0551 合肥蜀山支行
350102 福建省 福州市 鼓楼区 0591 福州鼓楼支行
350203 福建省 厦门市 思明区 0592 厦门思明支行
360102 江西省 南昌市 东湖区 0791 南昌东湖支行
370102 山东省 济南市 历下区 0531 济南历下支行
370202 山东省 青岛市 市南区 0532 青岛市南支行
410105 河南省 郑州市 金水区 0371 郑州金水支行
420106 湖北省 武汉市 武昌区 027 武汉武昌支行
430104 湖南省 长沙市 岳麓区 0731 长沙岳麓支行
440106 广东省 广州市 天河区 020 广州天河支行
440304 广东省 深圳市 福田区 0755 深圳福田支行
440305 广东省 深圳市 南山区 0755 深圳南山支行
450103 广西壮族自治区 南宁市 青秀区 0771 南宁青秀支行
460106 海南省 海口市 龙华区 0898 海口龙华支行
500103 重庆市 重庆市 渝中区 023 重庆渝中支行
510104 四川省 成都市 锦江区 028 成都锦江支行
510107 四川省 成都市 武侯区 028 成都武侯支行
520102 贵州省 贵阳市 南明区 0851 贵阳南明支行
530102 云南省 昆明市 五华区 0871 昆明五华支行
540102 西藏自治区 拉萨市 城关区 0891 拉萨城关支行
610113 陕西省 西安市 雁塔区 029 西安雁塔支行
620102 甘肃省 兰州市 城关区 0931 兰州城关支行
630103 青海省 西宁市 城中区 0971 西宁城中支行
640104 宁夏回族自治区 银川市 兴庆区 0951 银川兴庆支行
650102 新疆维吾尔自治区 乌鲁木齐市 天山区 0991 乌鲁木齐天山支行
"""
REGIONS: tuple[Region, ...] = tuple(_region(row) for row in _REGION_ROWS.splitlines() if row)

COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "司徒", "宇文")
# Second characters that turn Faker's one-character given names into common two-character ones.
SECOND_CHARS = {
    "M": tuple("杰涛明辉宇轩然博文斌峰磊鹏浩凯俊"),
    "F": tuple("怡婷欣雪琳颖静丽娜萱涵琪悦妍晴瑶"),
}
COMPASS = tuple("东西南北中")

# (occupation, industry, weight); GB/T 4754 industry names.
JOBS: tuple[tuple[str, str, int], ...] = (
    ("教师", "教育", 8),
    ("医生", "卫生和社会工作", 4),
    ("护士", "卫生和社会工作", 4),
    ("软件工程师", "信息传输、软件和信息技术服务业", 7),
    ("会计", "租赁和商务服务业", 6),
    ("销售经理", "批发和零售业", 8),
    ("个体工商户", "批发和零售业", 9),
    ("公务员", "公共管理、社会保障和社会组织", 5),
    ("工程师", "制造业", 8),
    ("车间工人", "制造业", 10),
    ("建筑工人", "建筑业", 6),
    ("货车司机", "交通运输、仓储和邮政业", 5),
    ("厨师", "住宿和餐饮业", 4),
    ("农民", "农、林、牧、渔业", 7),
    ("律师", "租赁和商务服务业", 2),
    ("研究员", "科学研究和技术服务业", 2),
    ("房产经纪人", "房地产业", 3),
    ("银行职员", "金融业", 3),
    ("自由职业者", "文化、体育和娱乐业", 3),
)
RISK_LEVELS = ("C1", "C2", "C3", "C4", "C5")
RISK_WEIGHTS = (10, 25, 35, 20, 10)
RISK_LABELS = {"C1": "保守型", "C2": "谨慎型", "C3": "稳健型", "C4": "积极型", "C5": "激进型"}
CHANNELS = ("app", "sms", "phone", "email", "wechat", "branch")
CHANNEL_WEIGHTS = (40, 12, 10, 6, 22, 10)
# Reserved or clearly fictional domains, so no generated address can reach a real mailbox.
EMAIL_DOMAINS = ("example.com", "example.cn", "example.net", "mail.example.cn", "corp.example.com")

# {name}, {mobile}, {branch}, {risk} are filled in per customer.
NOTES = (
    "客户来电咨询大额存单利率，已告知当前挂牌利率。",
    "客户{name}要求将联系电话更新为{mobile}，已核实身份后处理。",
    "客户在{branch}办理理财产品风险评估，评估结果为{risk}。",
    "客户反映手机银行登录异常，已指导其重新绑定设备。",
    "客户表示近期不希望接到营销电话，已登记免打扰需求。",
    "客户咨询个人养老金账户开立流程，已预约到{branch}办理。",
    "客户办理信用卡账单分期，已说明手续费标准。",
    "客户{name}的住址已变更，下次临柜时需补充证明材料。",
    "回访客户，对理财经理服务表示满意。",
    "客户来电挂失借记卡，已办理临时挂失，提醒七日内到网点补卡。",
    "客户询问境外汇款限额，已告知每人每年便利化额度。",
    "客户留言请于工作日下午联系，回拨号码{mobile}。",
)
GUARDIAN_NOTE = "监护人陪同办理开户，已核验户口簿及监护人身份证件。"
